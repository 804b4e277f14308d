using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>
/// The window join operator against a plain model: the rows of each (key, window) joined when the
/// watermark passes the window, inner and outer, late rows dropped, the same rows across a
/// checkpoint and restore, on the heap and the RocksDB backend.
/// </summary>
public sealed class WindowJoinOperatorTests : IDisposable
{
    // key, window_end, value on both sides.
    private static readonly SqlType[] SideTypes = [SqlType.BigInt, SqlType.Timestamp(3).NotNull, SqlType.BigInt.NotNull];
    private const long Window = 1_000;

    private readonly TestStateStores _stores = new("window-join");

    public void Dispose() => _stores.Dispose();

    public static TheoryData<bool, bool, string> Kinds()
    {
        var data = new TheoryData<bool, bool, string>();
        foreach (var backend in new[] { "heap", "rocksdb" })
        {
            data.Add(false, false, backend);
            data.Add(true, false, backend);
            data.Add(false, true, backend);
            data.Add(true, true, backend);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_window_joins_once_when_the_watermark_passes_it_across_a_restore(bool keepLeft, bool keepRight, string backend)
    {
        var model = Model(keepLeft, keepRight, out var late);
        Assert.True(late > 0, "the input has late rows");
        Assert.True(model.Count > 100, "most rows join");

        Assert.Equal(model, Run(keepLeft, keepRight, backend, restoreAfter: -1, out var dropped));
        Assert.Equal(late, dropped);
        Assert.Equal(model, Run(keepLeft, keepRight, backend, restoreAfter: 9, out _));
        Assert.Equal(model, Run(keepLeft, keepRight, backend, restoreAfter: 9, out _, maxPendingRows: 5));
    }

    [Fact]
    public void A_window_is_emitted_only_when_the_watermark_reaches_its_end_minus_one()
    {
        var output = new CollectingRows();
        var op = SqlOperatorHarness.Open(() => Create(false, false), output, NewStore("heap"));
        op.ProcessBatch(0, Rows([(1, 1_000, 5)]));
        op.ProcessBatch(1, Rows([(1, 1_000, 7), (null, 1_000, 9)]));
        op.ProcessWatermark(0, 998);
        op.ProcessWatermark(1, 998);
        Assert.Empty(output.Rows);
        op.ProcessWatermark(0, 999);
        Assert.Empty(output.Rows); // the right input still holds the watermark back
        op.ProcessWatermark(1, 999);
        Assert.Equal(["1 1000000 5 1 1000000 7"], output.Rows);

        // The window has fired: a row of it is late; a NULL key joins nothing.
        op.ProcessBatch(0, Rows([(1, 1_000, 1), (null, 2_000, 9)]));
        op.ProcessBatch(1, Rows([(null, 2_000, 9)]));
        op.ProcessWatermark(0, 5_000);
        op.ProcessWatermark(1, 5_000);
        Assert.Single(output.Rows);
        Assert.Equal(1, op.LeftLateRowsDropped);
    }

    [Fact]
    public void A_null_key_joins_a_null_key_when_compared_by_is_not_distinct_from()
    {
        var output = new CollectingRows();
        var op = SqlOperatorHarness.Open(() => Create(false, false, nullSafe: true), output, NewStore("heap"));
        op.ProcessBatch(0, Rows([(null, 1_000, 5), (1, 1_000, 6)]));
        op.ProcessBatch(1, Rows([(null, 1_000, 7), (2, 1_000, 8)]));
        op.ProcessWatermark(0, 999);
        op.ProcessWatermark(1, 999);
        Assert.Equal(["null 1000000 5 null 1000000 7"], output.Rows);
    }

    /// <summary>Batches of (side, key, window end, value): times out of order by up to 3 windows; the watermark lags the largest time by 2.</summary>
    private static List<(int Side, long? Key, long End, long Value)[]> Input()
    {
        var random = new Random(5);
        var batches = new List<(int, long?, long, long)[]>();
        var time = 10_000L;
        for (var b = 0; b < 25; b++)
        {
            var batch = new (int, long?, long, long)[20];
            for (var r = 0; r < batch.Length; r++)
            {
                time += random.Next(0, 3) * 50;
                var millis = time - random.Next(0, 30) * 100;
                long? key = random.Next(0, 10) == 0 ? null : random.Next(0, 4);
                batch[r] = (random.Next(0, 2), key, millis - (millis % Window) + Window, random.Next(0, 20));
            }

            batches.Add(batch);
        }

        return batches;
    }

    private static long WatermarkAfter(long maxEnd) => maxEnd - 2 * Window - 1;

    private static List<string> Model(bool keepLeft, bool keepRight, out long late)
    {
        var accepted = new List<(int Side, long? Key, long End, long Value)>();
        var watermark = long.MinValue;
        var maxEnd = long.MinValue;
        late = 0;
        foreach (var batch in Input())
        {
            foreach (var row in batch)
            {
                if (row.End - 1 <= watermark)
                    late++;
                else
                    accepted.Add(row);
            }

            maxEnd = Math.Max(maxEnd, batch.Max(r => r.End));
            watermark = WatermarkAfter(maxEnd);
        }

        static string Side((int, long? Key, long End, long Value)? row) =>
            row is { } r ? $"{r.Key?.ToString() ?? "null"} {r.End * 1000} {r.Value}" : "null null null";

        var results = new List<string>();
        var lefts = accepted.Where(r => r.Side == 0).ToList();
        var rights = accepted.Where(r => r.Side == 1).ToList();
        // Keys equal and not NULL, same window, and the residual condition: left value <= right value.
        bool Joins((int, long? Key, long End, long Value) l, (int, long? Key, long End, long Value) r) =>
            l.Key is not null && l.Key == r.Key && l.End == r.End && l.Value <= r.Value;
        foreach (var l in lefts)
        {
            foreach (var r in rights.Where(r => Joins(l, r)))
                results.Add($"{Side(l)} {Side(r)}");
            if (keepLeft && !rights.Any(r => Joins(l, r)))
                results.Add($"{Side(l)} {Side(null)}");
        }

        if (keepRight)
            results.AddRange(rights.Where(r => !lefts.Any(l => Joins(l, r))).Select(r => $"{Side(null)} {Side(r)}"));
        return results.Order(StringComparer.Ordinal).ToList();
    }

    private List<string> Run(bool keepLeft, bool keepRight, string backend, int restoreAfter, out long dropped, int maxPendingRows = TimedJoinOperator.DefaultMaxPendingRows)
    {
        var output = new CollectingRows();
        var store = NewStore(backend);
        var op = SqlOperatorHarness.Open(() => Create(keepLeft, keepRight, maxPendingRows), output, store);
        var maxEnd = long.MinValue;
        var batches = Input();
        dropped = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            foreach (var side in new[] { 0, 1 })
            {
                var rows = batches[b].Where(r => r.Side == side).Select(r => (r.Key, r.End, r.Value)).ToList();
                if (rows.Count > 0)
                    op.ProcessBatch(side, Rows(rows));
            }

            maxEnd = Math.Max(maxEnd, batches[b].Max(r => r.End));
            op.ProcessWatermark(0, WatermarkAfter(maxEnd));
            op.ProcessWatermark(1, WatermarkAfter(maxEnd));
            if (b == restoreAfter)
            {
                op.SnapshotState(new CheckpointBarrier(1, 0, SnapshotKind.Checkpoint), new Dictionary<string, byte[]>());
                dropped += op.LeftLateRowsDropped + op.RightLateRowsDropped;
                op.Close();
                store = _stores.Restored(store, backend);
                op = SqlOperatorHarness.Open(() => Create(keepLeft, keepRight, maxPendingRows), output, store);
                op.ProcessWatermark(0, WatermarkAfter(maxEnd));
                op.ProcessWatermark(1, WatermarkAfter(maxEnd));
            }
        }

        op.ProcessWatermark(0, long.MaxValue);
        op.ProcessWatermark(1, long.MaxValue);
        dropped += op.LeftLateRowsDropped + op.RightLateRowsDropped;
        op.Close();
        return output.Rows.Order(StringComparer.Ordinal).ToList();
    }

    private static WindowJoinOperator Create(bool keepLeft, bool keepRight, int maxPendingRows = TimedJoinOperator.DefaultMaxPendingRows, bool nullSafe = false)
    {
        SqlType[] joined = [.. SideTypes, .. SideTypes];
        var condition = new CallExpr("<=", [new InputRef(2, SqlType.BigInt.NotNull), new InputRef(5, SqlType.BigInt.NotNull)], SqlType.Boolean.NotNull);
        var program = CalcProgram.Compile(joined, null, [condition], SqlContext.Utc);
        return new WindowJoinOperator("window-join", new WindowJoinSpec([0], [0], 1, 1, keepLeft, keepRight, nullSafe ? [] : null, nullSafe ? [] : null), SideTypes, SideTypes, program, maxPendingRows);
    }

    private static RowBatch Rows(IEnumerable<(long? Key, long End, long Value)> rows)
    {
        var builder = new RowBuilder(SideTypes);
        foreach (var (key, end, value) in rows)
            builder.Add(RowKind.Insert, [key, end * 1000, value]);
        return builder.Take()!;
    }

    private IKeyedStateStore NewStore(string backend) => _stores.New(backend);
}
