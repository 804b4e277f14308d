using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;
using PyStream.State.RocksDb;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>
/// The over operator against a plain model of Flink's over frames: ROWS and RANGE, bounded and
/// unbounded, peers, late rows dropped, and the same rows across a checkpoint and restore, on the
/// heap and the RocksDB backend.
/// </summary>
public sealed class OverAggOperatorTests : IDisposable
{
    private static readonly SqlType[] InputTypes = [SqlType.BigInt.NotNull, SqlType.Timestamp(3), SqlType.BigInt];
    private static readonly SqlType[] OutputTypes = [.. InputTypes, SqlType.BigInt, SqlType.BigInt.NotNull];
    private static readonly AggregateCalls Calls = new([
        new AggCall("SUM", [2], false, -1, SqlType.BigInt, [SqlType.BigInt]),
        new AggCall("COUNT", [], false, -1, SqlType.BigInt.NotNull, []),
    ]);

    private const long Delay = 3_000;

    private readonly TestStateStores _stores = new("over");

    public void Dispose() => _stores.Dispose();

    public static TheoryData<bool, long?, string> Frames()
    {
        var data = new TheoryData<bool, long?, string>();
        foreach (var backend in new[] { "heap", "rocksdb" })
        {
            data.Add(true, 2, backend);
            data.Add(true, 0, backend);
            data.Add(true, null, backend);
            data.Add(false, 1_000, backend);
            data.Add(false, 0, backend);
            data.Add(false, null, backend);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void Every_row_that_is_not_late_gets_the_aggregates_of_its_frame_across_a_restore(bool rows, long? preceding, string backend)
    {
        var frame = new OverFrame(rows, preceding);
        var model = Model(frame, out var late);
        Assert.True(late > 0, "the input has late rows");
        Assert.True(model.Count > 500, "most rows are on time");

        var straight = Run(frame, backend, restoreAfter: -1, out var dropped);
        var restored = Run(frame, backend, restoreAfter: 13, out _);
        var spilled = Run(frame, backend, restoreAfter: 13, out _, maxWaitingRows: 10);
        Assert.Equal(late, dropped);
        Assert.Equal(model, straight);
        Assert.Equal(model, restored);
        Assert.Equal(model, spilled);
    }

    [Fact]
    public void Peers_of_a_range_frame_get_the_same_result_and_a_rows_frame_counts_them_one_by_one()
    {
        // Key 1: values 1, 2 at second 1 and 4 at second 2; the watermark passes them all at once.
        List<(long, long, long)> input = [(1, 1_000, 1), (1, 1_000, 2), (1, 2_000, 4)];
        var range = Feed(new OverFrame(false, null), input);
        var rowsFrame = Feed(new OverFrame(true, null), input);
        Assert.Equal(["1 1000000 1 3 2", "1 1000000 2 3 2", "1 2000000 4 7 3"], range);
        Assert.Equal(["1 1000000 1 1 1", "1 1000000 2 3 2", "1 2000000 4 7 3"], rowsFrame);
    }

    [Fact]
    public void Processing_time_rows_are_aggregated_as_they_come_at_the_tasks_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(10_000));
        var output = new CollectingRows();
        var op = SqlOperatorHarness.Open(() => Create(new OverFrame(false, 1_000), procTime: true), output, NewStore("heap"), clock);
        op.ProcessBatch(0, Rows([(1, 0, 5), (2, 0, 7)]));
        clock.Advance(TimeSpan.FromMilliseconds(600));
        op.ProcessBatch(0, Rows([(1, 0, 1)]));
        clock.Advance(TimeSpan.FromMilliseconds(600));
        op.ProcessBatch(0, Rows([(1, 0, 10)]));
        // At 10.0 s: 5 and 7 alone; at 10.6 s key 1 has 5 + 1; at 11.2 s the row of 10.0 s is out of the 1 s range: 1 + 10.
        Assert.Equal(["1 0 1 6 2", "1 0 10 11 2", "1 0 5 5 1", "2 0 7 7 1"], output.Rows.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Rows (key, time in ms, value) in batches, out of order by up to 4 s; after each batch the
    /// watermark is the largest time seen minus 3 s, so some rows come late. Times repeat (peers).
    /// </summary>
    private static List<(long Key, long Millis, long Value)[]> Input()
    {
        var random = new Random(11);
        var batches = new List<(long, long, long)[]>();
        var time = 10_000L;
        for (var b = 0; b < 30; b++)
        {
            var batch = new (long, long, long)[25];
            for (var r = 0; r < batch.Length; r++)
            {
                time += random.Next(0, 3) * 100;
                batch[r] = (random.Next(0, 4), time - random.Next(0, 40) * 100, random.Next(-20, 50));
            }

            batches.Add(batch);
        }

        return batches;
    }

    /// <summary>The frames by hand: rows not behind the watermark when they come, per key in (time, arrival) order.</summary>
    private static List<string> Model(OverFrame frame, out long late)
    {
        var accepted = new List<(long Key, long Millis, long Value, int Seq)>();
        var watermark = long.MinValue;
        var maxTime = long.MinValue;
        late = 0;
        foreach (var batch in Input())
        {
            foreach (var (key, millis, value) in batch)
            {
                if (millis <= watermark)
                    late++;
                else
                    accepted.Add((key, millis, value, accepted.Count));
                maxTime = Math.Max(maxTime, millis);
            }

            watermark = maxTime - Delay;
        }

        var results = new List<string>();
        foreach (var group in accepted.GroupBy(r => r.Key))
        {
            var ordered = group.OrderBy(r => r.Millis).ThenBy(r => r.Seq).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var row = ordered[i];
                var inFrame = frame.Rows
                    ? ordered.Take(i + 1).Skip(frame.Preceding is { } n ? Math.Max(0, i - (int)n) : 0)
                    : ordered.Where(o => o.Millis <= row.Millis && (frame.Preceding is not { } p || o.Millis >= row.Millis - p));
                var values = inFrame.Select(o => o.Value).ToList();
                results.Add($"{row.Key} {row.Millis * 1000} {row.Value} {values.Sum()} {values.Count}");
            }
        }

        return results.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Runs the input; <paramref name="maxWaitingRows"/> small makes the operator write waiting rows to the backend between checkpoints.</summary>
    private List<string> Run(OverFrame frame, string backend, int restoreAfter, out long dropped, int maxWaitingRows = OverAggOperator.DefaultMaxWaitingRows)
    {
        var output = new CollectingRows();
        var store = NewStore(backend);
        var op = SqlOperatorHarness.Open(() => Create(frame, procTime: false, maxWaitingRows), output, store);
        var maxTime = long.MinValue;
        var batches = Input();
        dropped = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            op.ProcessBatch(0, Rows(batches[b]));
            maxTime = Math.Max(maxTime, batches[b].Max(r => r.Millis));
            op.ProcessWatermark(0, maxTime - Delay);
            if (b == restoreAfter)
            {
                op.SnapshotState(new CheckpointBarrier(1, 0, SnapshotKind.Checkpoint), new Dictionary<string, byte[]>());
                var restored = _stores.Restored(store, backend);

                dropped += op.LateRowsDropped;
                op.Close();
                store = restored;
                op = SqlOperatorHarness.Open(() => Create(frame, procTime: false, maxWaitingRows), output, store);
                op.ProcessWatermark(0, maxTime - Delay);
            }
        }

        op.ProcessWatermark(0, long.MaxValue);
        op.EndInput(0);
        dropped += op.LateRowsDropped;
        op.Close();
        return output.Rows.Order(StringComparer.Ordinal).ToList();
    }

    private List<string> Feed(OverFrame frame, List<(long Key, long Millis, long Value)> input)
    {
        var output = new CollectingRows();
        var op = SqlOperatorHarness.Open(() => Create(frame, procTime: false), output, NewStore("heap"));
        op.ProcessBatch(0, Rows(input));
        op.ProcessWatermark(0, long.MaxValue);
        op.Close();
        return output.Rows;
    }

    private static OverAggOperator Create(OverFrame frame, bool procTime, int maxWaitingRows = OverAggOperator.DefaultMaxWaitingRows) =>
        new("over", new RowKeys([0], [SqlType.BigInt.NotNull]), Calls, new OverSpec(3, 1, procTime, frame), InputTypes, OutputTypes, maxWaitingRows: maxWaitingRows);

    private static RowBatch Rows(IEnumerable<(long Key, long Millis, long Value)> rows)
    {
        var builder = new RowBuilder(InputTypes);
        foreach (var (key, millis, value) in rows)
            builder.Add(RowKind.Insert, [key, millis * 1000, value]);
        return builder.Take()!;
    }

    private IKeyedStateStore NewStore(string backend) => _stores.New(backend);
}
