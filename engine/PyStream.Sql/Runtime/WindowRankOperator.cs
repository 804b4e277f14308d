using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Sql.Functions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Top-N per window (Flink's WindowRankOperator): partitioned by window_start, window_end and
/// more keys, each partition keeps its best N rows until the watermark reaches the window's end
/// (its last millisecond), then emits the rows ranked in the range, +I, once; append-only. Rows
/// of a window that already fired are late and dropped. <paramref name="endKey"/> is the position
/// of window_end among the partition keys, whose column is <paramref name="endColumn"/>.
/// </summary>
public sealed class WindowRankOperator(string name, RowKeys keys, int endKey, int endColumn, RankSpec spec, IReadOnlyList<SqlType> inputTypes, IReadOnlyList<SqlType> outputTypes, int inputCount = 1)
    : SqlOperator(name, inputCount)
{
    private RankRowStore? _store;
    private SlotRowBuilder? _output;
    private RankedRow[] _ranked = [];

    /// <summary>The partitions with rows, by the time their window fires.</summary>
    private KeyTimers? _timers;

    public long LateRowsDropped { get; private set; }

    /// <summary>For windows over a TIMESTAMP_LTZ in a zone other than UTC: window_end is that zone's wall-clock time, the watermark an instant.</summary>
    public TimeZoneInfo? ShiftZone { get; init; }

    private RankRowStore Store => _store ?? throw new InvalidOperationException("the window rank is not open");

    private SlotRowBuilder Output => _output ?? throw new InvalidOperationException("the window rank is not open");

    public override void Open(TaskContext context)
    {
        spec.CheckOutput(inputTypes, outputTypes);
        base.Open(context);
        _store = new RankRowStore(context.State, StateKeys.MapPrefix + StateKey + "/rows", spec.OrderKeys, inputTypes);
        _output = new SlotRowBuilder(_store.Arena, spec.OutputRankNumber);
        _timers = new KeyTimers(() => Store.StoredPartitions().Select(key => (FireTime(keys.Values(key)[endKey]), key)));
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        Store.Flush();
        base.SnapshotState(barrier, states);
    }

    private KeyTimers Timers => _timers ?? throw new InvalidOperationException("the window rank is not open");

    /// <summary>A window fires when the watermark reaches its last millisecond.</summary>
    private long FireTime(object? windowEnd) => windowEnd is not long end ? long.MinValue
        : TimeMath.MillisOf(ShiftZone is null ? end : TimeMath.ToInstant(end, ShiftZone)) - 1;

    protected override void ProcessRows(int input, RowBatch rows)
    {
        var watermark = CurrentWatermark;
        for (var i = 0; i < rows.Count; i++)
        {
            var fireAt = FireTime(rows.Columns[endColumn].GetBoxed(i));
            if (fireAt <= watermark)
            {
                LateRowsDropped++;
                continue;
            }

            var key = keys.KeyOf(rows, i);
            var partition = Store.Rows(key);
            if (partition.Count >= spec.RankEnd && !partition.SortsBefore(rows, i, (int)spec.RankEnd - 1))
                continue;
            if (partition.Count == 0)
                Timers.Add(fireAt, key);
            Store.Insert(partition, partition.PositionOf(rows, i), rows, i);
            while (partition.Count > spec.RankEnd)
                Store.RemoveAt(partition, partition.Count - 1);
        }

        Store.Arena.Recycle(); // no output waits to read the rows that left: windows emit on watermarks
    }

    protected override void OnWatermark(long watermark)
    {
        Timers.Fire(watermark, (_, key) =>
        {
            var ranked = Store.Rows(key).CopyRanks(spec.RankStart, spec.RankEnd, ref _ranked);
            for (var r = 0; r < ranked; r++)
                Output.Add(RowKind.Insert, _ranked[r].Slot, spec.RankStart + r);
            Store.Drop(key);
            if (Output.Full)
                EmitRows(Output.Take());
        });
        EmitRows(Output.Take());
        base.OnWatermark(watermark);
    }
}
