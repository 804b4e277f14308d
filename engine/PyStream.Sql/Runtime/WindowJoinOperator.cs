using PyStream.Engine.Records;
using PyStream.Sql.Compiling;
using PyStream.Sql.Functions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// What a window join computes: each side's equal-key columns and window_end column, the outer
/// sides, and of the key columns those where a NULL matches nothing (null: all; a pair compared by
/// IS NOT DISTINCT FROM is not among them).
/// </summary>
public sealed record WindowJoinSpec(IReadOnlyList<int> LeftKeys, IReadOnlyList<int> RightKeys, int LeftWindowEnd, int RightWindowEnd, bool KeepLeft, bool KeepRight,
    IReadOnlyList<int>? LeftNullFiltered = null, IReadOnlyList<int>? RightNullFiltered = null);

/// <summary>
/// A window join (Flink's WindowJoinOperator): input 0 is the left side, input 1 the right, both
/// windowed the same way and hashed by their equal keys. The rows of a window are kept per key
/// until the watermark reaches the window's end - 1; then the window's left and right rows are
/// joined (inner, or padded with nulls for an outer side), emitted once, append-only, and
/// dropped from state. A row whose window has already fired is late and dropped, as Flink drops
/// it. Inputs must be append-only.
/// <para>
/// State: one map state per side, (key, window end) -> rows, in the task's keyed backend; rows
/// that arrive are held in memory and appended to it at a checkpoint (or when more than 2^20 are
/// held).
/// </para>
/// </summary>
public sealed class WindowJoinOperator(string name, WindowJoinSpec spec, IReadOnlyList<SqlType> leftTypes, IReadOnlyList<SqlType> rightTypes,
    CalcProgram? condition, int maxPendingRows = TimedJoinOperator.DefaultMaxPendingRows)
    : TimedJoinOperator(name, spec.LeftKeys, spec.RightKeys, leftTypes, rightTypes, condition, "left-records", "right-records", maxPendingRows,
        spec.LeftNullFiltered, spec.RightNullFiltered)
{
    /// <summary>A TIMESTAMP_LTZ window's zone: windows end at the instant their wall-clock end names there.</summary>
    public TimeZoneInfo? ShiftZone { get; init; }

    public long LeftLateRowsDropped { get; private set; }

    public long RightLateRowsDropped { get; private set; }

    private protected override void Accept(bool left, RowBatch rows)
    {
        var (store, keys, endIndex) = left ? (Left, LeftKeys, spec.LeftWindowEnd) : (Right, RightKeys, spec.RightWindowEnd);
        var watermark = CurrentWatermark;
        for (var i = 0; i < rows.Count; i++)
        {
            var kind = rows.KindAt(i);
            if (kind is not (RowKind.Insert or RowKind.UpdateAfter))
                throw new SqlRuntimeException($"'{Name}' takes append-only input, got a {kind} row");
            if (rows.Columns[endIndex].GetBoxed(i) is not long endMicros)
                continue; // no window: nothing to join it in
            var end = TimeMath.MillisOf(endMicros);
            if (Fires(end) <= watermark)
            {
                if (left)
                    LeftLateRowsDropped++;
                else
                    RightLateRowsDropped++;
                continue;
            }

            var key = keys.KeyOf(rows, i);
            store.Add(key, end, RowKind.Insert, RowAt(rows, i));
            Timers.Add(end, key);
        }
    }

    /// <summary>The watermark at which a window ending at <paramref name="end"/> (ms) fires: its end - 1, as an instant.</summary>
    private long Fires(long end) => WindowAssignment.FiringMillis(end, ShiftZone) - 1;

    private protected override void Fire(long watermark)
    {
        foreach (var (end, key) in Timers.PopDue(end => Fires(end) <= watermark))
        {
            var left = Left.Take(Context.State, key, end).Select(r => r.Row).ToList();
            var right = Right.Take(Context.State, key, end).Select(r => r.Row).ToList();
            Joined.JoinAll(left, right, spec.KeepLeft, spec.KeepRight, Output);
            EmitIfFull();
        }
    }
}
