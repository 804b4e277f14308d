using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Graph;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.State;
using PyStream.Engine.Time;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>HOP and CUMULATE aggregated by slices give the rows of the per-window operator and of a plain model, across a restore.</summary>
public sealed class SlicedWindowAggOperatorTests
{
    private static readonly AggCall CountStar = new("COUNT", [], false, -1, SqlType.BigInt.NotNull, []);
    private static readonly AggCall SumOfValue = new("SUM", [2], false, -1, SqlType.BigInt, [SqlType.BigInt]);
    private static readonly AggCall MaxOfValue = new("MAX", [2], false, -1, SqlType.BigInt, [SqlType.BigInt]);
    private static readonly SqlType[] InputTypes = [SqlType.BigInt, SqlType.Timestamp(3), SqlType.BigInt];

    /// <summary>Rows (key, time in ms, value) in batches, somewhat out of order; after each batch the watermark is the largest time seen minus 3 s.</summary>
    private static List<(long Key, long Millis, long Value)[]> Input()
    {
        var random = new Random(7);
        var batches = new List<(long, long, long)[]>();
        var time = 10_000L;
        for (var b = 0; b < 40; b++)
        {
            var batch = new (long, long, long)[50];
            for (var r = 0; r < batch.Length; r++)
            {
                time += random.Next(0, 40);
                batch[r] = (random.Next(0, 6), time - random.Next(0, 4_000), random.Next(-50, 100));
            }

            batches.Add(batch);
        }

        return batches;
    }

    public static TheoryData<string, long, long> Windows => new()
    {
        { "HOP", 10_000, 2_000 },
        { "HOP", 3_000, 1_000 },
        { "CUMULATE", 6_000, 2_000 },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void Slices_give_the_rows_of_the_per_window_operator_and_of_a_plain_model(string kind, long size, long slide)
    {
        var window = new WindowDefinition(kind == "HOP" ? WindowKind.Hop : WindowKind.Cumulate, size, slide, 0, 0);
        var calls = new AggregateCalls([CountStar, SumOfValue, MaxOfValue]);
        Assert.True(SlicedWindowAggOperator.Sliceable(window, calls));

        var perWindow = Run(() => new WindowAggOperator("w", Keys(), calls, window, 1, OutputTypes), restoreAfter: -1);
        var sliced = Run(() => new SlicedWindowAggOperator("w", Keys(), calls, window, 1, OutputTypes), restoreAfter: -1);
        var restored = Run(() => new SlicedWindowAggOperator("w", Keys(), calls, window, 1, OutputTypes), restoreAfter: 17);

        var model = Model(kind, size, slide);
        Assert.NotEmpty(model);
        Assert.Equal(model, perWindow.Rows);
        Assert.Equal(model, sliced.Rows);
        Assert.Equal(model, restored.Rows);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Checkpoints_taken_while_running_change_no_row_and_leave_no_slice_in_state(string kind, long size, long slide)
    {
        // A checkpoint writes the slices in memory to the backend and they stay in memory: later rows go to both,
        // firing must take the newer accumulators in memory, and a dropped slice must leave the backend too.
        var window = new WindowDefinition(kind == "HOP" ? WindowKind.Hop : WindowKind.Cumulate, size, slide, 0, 0);
        var calls = new AggregateCalls([CountStar, SumOfValue, MaxOfValue]);
        var checkpointed = Run(() => new SlicedWindowAggOperator("w", Keys(), calls, window, 1, OutputTypes), restoreAfter: 17, snapshotEvery: 3);

        Assert.Equal(Model(kind, size, slide), checkpointed.Rows);
        Assert.Equal(0, checkpointed.EntriesLeft);
    }

    [Fact]
    public void Aggregates_that_cannot_merge_keep_the_per_window_operator()
    {
        var window = new WindowDefinition(WindowKind.Hop, 10_000, 2_000, 0, 0);
        Assert.False(SlicedWindowAggOperator.Sliceable(window, new AggregateCalls([new AggCall("FIRST_VALUE", [2], false, -1, SqlType.BigInt, [SqlType.BigInt])])));
        Assert.False(SlicedWindowAggOperator.Sliceable(window, new AggregateCalls([new AggCall("SUM", [2], false, -1, SqlType.Double, [SqlType.Double])])));
        Assert.False(SlicedWindowAggOperator.Sliceable(new WindowDefinition(WindowKind.Hop, 5_000, 2_000, 0, 0), new AggregateCalls([CountStar])));
    }

    private static SqlType[] OutputTypes => [SqlType.BigInt, SqlType.Timestamp(3), SqlType.Timestamp(3), SqlType.Timestamp(3), SqlType.BigInt.NotNull, SqlType.BigInt, SqlType.BigInt];

    private static RowKeys Keys() => new([0], [SqlType.BigInt]);

    /// <summary>The windows by hand: a row counts in a window unless the watermark had passed its end - 1 when the row came.</summary>
    private static List<string> Model(string kind, long size, long slide)
    {
        var windows = new Dictionary<(long Key, long Start, long End), List<long>>();
        var watermark = long.MinValue;
        var maxTime = long.MinValue;
        foreach (var batch in Input())
        {
            foreach (var (key, millis, value) in batch)
            {
                var ends = new List<(long Start, long End)>();
                if (kind == "HOP")
                {
                    for (var start = millis - (millis % slide); start > millis - size; start -= slide)
                        ends.Add((start, start + size));
                }
                else
                {
                    var first = millis - (millis % size);
                    for (var end = first + slide; end <= first + size; end += slide)
                    {
                        if (millis < end)
                            ends.Add((first, end));
                    }
                }

                foreach (var (start, end) in ends.Where(w => w.End - 1 > watermark))
                {
                    if (!windows.TryGetValue((key, start, end), out var values))
                        windows[(key, start, end)] = values = [];
                    values.Add(value);
                }

                maxTime = Math.Max(maxTime, millis);
            }

            watermark = maxTime - 3_000;
        }

        return windows.Select(w => $"{w.Key.Key} {w.Key.Start * 1000} {w.Key.End * 1000} {(w.Key.End - 1) * 1000} {w.Value.Count} {w.Value.Sum()} {w.Value.Max()}")
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Feeds <see cref="Input"/> to an operator (after batch <paramref name="restoreAfter"/>, snapshots it and goes on with a new one
    /// restored from its state; after every <paramref name="snapshotEvery"/>th other batch, snapshots it and goes on with it), then fires
    /// everything. Returns the rows and how many state entries are left.
    /// </summary>
    private static (List<string> Rows, int EntriesLeft) Run(Func<SqlOperator> create, int restoreAfter, int snapshotEvery = 0)
    {
        var output = new Collecting();
        var store = new HeapKeyedStateStore();
        var op = Open(create, output, store);
        var maxTime = long.MinValue;
        var batches = Input();
        for (var b = 0; b < batches.Count; b++)
        {
            var builder = new RowBuilder(InputTypes);
            foreach (var (key, millis, value) in batches[b])
            {
                builder.Add(RowKind.Insert, [key, millis * 1000, value]);
                maxTime = Math.Max(maxTime, millis);
            }

            op.ProcessBatch(0, builder.Take()!);
            op.ProcessWatermark(0, maxTime - 3_000);
            if (snapshotEvery > 0 && b % snapshotEvery == 0 && b != restoreAfter)
                op.SnapshotState(new CheckpointBarrier(b, 0, SnapshotKind.Checkpoint), new Dictionary<string, byte[]>());
            if (b == restoreAfter)
            {
                op.SnapshotState(new CheckpointBarrier(1, 0, SnapshotKind.Checkpoint), new Dictionary<string, byte[]>());
                var restored = new HeapKeyedStateStore();
                foreach (var stateId in StateIds(op))
                {
                    foreach (var (key, value) in store.Entries(stateId))
                        restored.Put(stateId, key, value);
                }

                op.Close();
                store = restored;
                op = Open(create, output, store);
                op.ProcessWatermark(0, maxTime - 3_000);
            }
        }

        op.ProcessWatermark(0, long.MaxValue);
        op.EndInput(0);
        var left = StateIds(op).Sum(id => store.Entries(id).Count());
        op.Close();
        return (output.Rows.Order(StringComparer.Ordinal).ToList(), left);
    }

    private static IEnumerable<string> StateIds(SqlOperator op) =>
        [StateKeys.MapPrefix + op.StateKey + "/slices", StateKeys.MapPrefix + op.StateKey + "/windows"];

    private static SqlOperator Open(Func<SqlOperator> create, Collecting output, IKeyedStateStore store)
    {
        var op = create();
        op.Outputs[0].Add(output);
        var info = new TaskInfo("w", 0, 1, JobGraphBuilder.DefaultMaxParallelism, 0);
        var timers = new ProcessingTimeService(TimeProvider.System, _ => { });
        op.Open(new TaskContext(info, new JobEnvironment(), null, timers, () => { }, store));
        return op;
    }

    private sealed class Collecting : IBatchConsumer
    {
        public List<string> Rows { get; } = [];

        public void Accept(Batch batch)
        {
            var rows = (RowBatch)batch;
            for (var r = 0; r < rows.Count; r++)
                Rows.Add(string.Join(" ", rows.Columns.Select(c => c.GetBoxed(r) ?? "null")));
        }

        public void AcceptWatermark(long watermark)
        {
        }

        public void AcceptWatermarkStatus(bool idle)
        {
        }

        public void EndOfInput()
        {
        }
    }
}
