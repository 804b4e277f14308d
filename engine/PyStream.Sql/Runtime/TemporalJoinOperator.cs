using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Compiling;
using PyStream.Sql.Functions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>What an event-time temporal join computes: each side's equal-key and rowtime columns, whether unmatched left rows are kept.</summary>
public sealed record TemporalJoinSpec(IReadOnlyList<int> LeftKeys, IReadOnlyList<int> RightKeys, int LeftTime, int RightTime, bool KeepLeft);

/// <summary>
/// An event-time temporal join (Flink's TemporalRowTimeJoinOperator): input 0 is the probe side,
/// input 1 the versioned table's changelog, both hashed by the equal keys (the versioned table's
/// primary key among them). A left row waits until the watermark passes its time; then it joins
/// the version of its key valid at that time: the right row with the latest time at or before
/// it, unless that version is a deletion. A left outer join pads a row that found none. The
/// output row has the left row's kind, and is emitted once.
/// <para>
/// State per key: a map time -> left rows that wait (held in memory between checkpoints, as the
/// window join's), and a map time -> the right version of that time (the last row of a time
/// wins; -U rows, which only announce a +U, are skipped as Flink asks its input for updates
/// without them). Once the watermark passes, the versions older than the latest one at or
/// before it are dropped: no row still to come can need them.
/// </para>
/// </summary>
public sealed class TemporalJoinOperator(string name, TemporalJoinSpec spec, IReadOnlyList<SqlType> leftTypes, IReadOnlyList<SqlType> rightTypes,
    CalcProgram? condition, int maxPendingRows = TimedJoinOperator.DefaultMaxPendingRows)
    : TimedJoinOperator(name, spec.LeftKeys, spec.RightKeys, leftTypes, rightTypes, condition, "left", "right", maxPendingRows)
{
    private protected override void Accept(bool left, RowBatch rows)
    {
        var (keys, timeIndex) = left ? (LeftKeys, spec.LeftTime) : (RightKeys, spec.RightTime);
        for (var i = 0; i < rows.Count; i++)
        {
            var kind = rows.KindAt(i);
            if (!left && kind == RowKind.UpdateBefore)
                continue;
            if (rows.Columns[timeIndex].GetBoxed(i) is not long micros)
                throw new SqlRuntimeException($"'{Name}': a {(left ? "left" : "versioned table")} row has no event time (its rowtime column is NULL)");
            var time = TimeMath.MillisOf(micros);
            var key = keys.KeyOf(rows, i);
            if (left)
                Left.Add(key, time, kind, RowAt(rows, i));
            else
                Context.State.Put(Right.StateId, TimedRowStore.StoredKey(key, time), Right.Encode([(kind, RowAt(rows, i))]));
            Timers.Add(time, key);
        }
    }

    private protected override void Fire(long watermark)
    {
        var done = new HashSet<byte[]>(ByteArrayComparer.Instance);
        foreach (var (_, key) in Timers.PopDue(time => time <= watermark))
        {
            if (done.Add(key))
                Process(key, watermark);
            EmitIfFull();
        }
    }

    /// <summary>Joins the left rows of <paramref name="key"/> the watermark has passed, then drops the versions no later row can need.</summary>
    private void Process(byte[] key, long watermark)
    {
        var versions = Context.State.MapEntries(Right.StateId, key)
            .Select(e => (Time: TimedRowStore.ReadTime(e.Key), Version: Right.Decode(e.Value)[0]))
            .OrderBy(v => v.Time)
            .ToList();
        var times = versions.Select(v => v.Time).ToList();

        var candidates = new List<(object?[] Left, object?[] Right)>();
        var probes = new List<(RowKind Kind, object?[] Row, int Candidate)>();
        foreach (var (time, rows) in Left.TakeUpTo(Context.State, key, watermark))
        {
            // The version valid at the row's time: the latest at or before it.
            var at = times.BinarySearch(time);
            var index = at >= 0 ? at : ~at - 1;
            foreach (var (kind, row) in rows)
            {
                var candidate = -1;
                if (index >= 0 && versions[index].Version.Kind is RowKind.Insert or RowKind.UpdateAfter && Joined.LeftJoinable(row) && Joined.RightJoinable(versions[index].Version.Row))
                {
                    candidate = candidates.Count;
                    candidates.Add((row, versions[index].Version.Row));
                }

                probes.Add((kind, row, candidate));
            }
        }

        var matches = Joined.Matches(candidates);
        foreach (var (kind, row, candidate) in probes)
        {
            if (candidate >= 0 && matches[candidate])
                Output.Add(kind, Joined.Join(row, candidates[candidate].Right));
            else if (spec.KeepLeft)
                Output.Add(kind, Joined.Join(row, null));
        }

        // Keep the latest version at or before the watermark and every later one.
        var keepFrom = times.FindLastIndex(t => t <= watermark);
        for (var v = 0; v < keepFrom; v++)
            Context.State.Remove(Right.StateId, TimedRowStore.StoredKey(key, versions[v].Time));
    }
}
