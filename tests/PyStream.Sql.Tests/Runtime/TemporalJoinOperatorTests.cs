using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>
/// The event-time temporal join operator against a plain model: each left row joins the version
/// of its key valid at its time (none after a deletion), once the watermark passes it; inner and
/// left outer, across a checkpoint and restore, on the heap and the RocksDB backend; old versions
/// are dropped once no row can need them.
/// </summary>
public sealed class TemporalJoinOperatorTests : IDisposable
{
    // Left: key, time, amount. Right: key, time, rate. The condition beyond the key: amount <= rate.
    private static readonly SqlType[] SideTypes = [SqlType.BigInt, SqlType.Timestamp(3).NotNull, SqlType.BigInt.NotNull];
    private const long Delay = 2_000;

    private readonly TestStateStores _stores = new("temporal-join");

    public void Dispose() => _stores.Dispose();

    public static TheoryData<bool, string> Kinds()
    {
        var data = new TheoryData<bool, string>();
        foreach (var backend in new[] { "heap", "rocksdb" })
        {
            data.Add(false, backend);
            data.Add(true, backend);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_left_row_joins_the_version_valid_at_its_time_across_a_restore(bool keepLeft, string backend)
    {
        var model = Model(keepLeft);
        Assert.True(model.Count > 100, "most rows join");
        Assert.Equal(model, Run(keepLeft, backend, restoreAfter: -1, out _));
        Assert.Equal(model, Run(keepLeft, backend, restoreAfter: 11, out _));
        Assert.Equal(model, Run(keepLeft, backend, restoreAfter: 11, out _, maxPendingRows: 5));
    }

    [Fact]
    public void Left_rows_wait_for_the_watermark_and_old_versions_are_dropped()
    {
        var output = new CollectingRows();
        var store = NewStore("heap");
        var op = SqlOperatorHarness.Open(() => Create(keepLeft: true), output, store);
        op.ProcessBatch(1, Rows([(1, 1_000, 10), (1, 5_000, 20), (1, 9_000, 30)], RowKind.Insert));
        op.ProcessBatch(0, Rows([(1, 6_000, 5), (1, 500, 5), (2, 6_000, 5)], RowKind.Insert));
        op.ProcessWatermark(0, 5_999);
        op.ProcessWatermark(1, 5_999);
        // Only the row at 0.5 s is passed: before the first version, so padded.
        Assert.Equal(["1 500000 5 null null null"], output.Rows);
        op.ProcessWatermark(0, 7_000);
        op.ProcessWatermark(1, 7_000);
        Assert.Equal(["1 500000 5 null null null", "1 6000000 5 1 5000000 20", "2 6000000 5 null null null"], output.Rows.Order(StringComparer.Ordinal));
        // The version of 1 s can no longer be needed: 5 s is the latest at or before the watermark.
        Assert.Equal(2, store.Entries("m:/right").Count());
    }

    [Fact]
    public void A_deleted_version_joins_nothing_and_update_befores_are_skipped()
    {
        var output = new CollectingRows();
        var op = SqlOperatorHarness.Open(() => Create(keepLeft: false), output, NewStore("heap"));
        op.ProcessBatch(1, Rows([(1, 1_000, 10)], RowKind.Insert));
        op.ProcessBatch(1, Rows([(1, 1_000, 10)], RowKind.UpdateBefore));
        op.ProcessBatch(1, Rows([(1, 3_000, 10)], RowKind.Delete));
        op.ProcessBatch(0, Rows([(1, 2_000, 7), (1, 4_000, 8)], RowKind.Insert));
        op.ProcessWatermark(0, long.MaxValue);
        op.ProcessWatermark(1, long.MaxValue);
        Assert.Equal(["1 2000000 7 1 1000000 10"], output.Rows);
    }

    /// <summary>Batches of (side, key, time, value, kind); times out of order by less than the watermark delay, so no row is late.</summary>
    private static List<(int Side, long? Key, long Time, long Value, RowKind Kind)[]> Input()
    {
        var random = new Random(3);
        var batches = new List<(int, long?, long, long, RowKind)[]>();
        var time = 10_000L;
        for (var b = 0; b < 30; b++)
        {
            var batch = new (int, long?, long, long, RowKind)[20];
            for (var r = 0; r < batch.Length; r++)
            {
                time += random.Next(0, 4) * 50;
                var side = random.Next(0, 3) == 0 ? 1 : 0;
                long? key = side == 0 && random.Next(0, 12) == 0 ? null : random.Next(0, 4);
                var kind = side == 1 && random.Next(0, 8) == 0 ? RowKind.Delete : side == 1 ? RowKind.UpdateAfter : RowKind.Insert;
                batch[r] = (side, key, time - random.Next(0, 19) * 100, random.Next(0, 20), kind);
            }

            batches.Add(batch);
        }

        return batches;
    }

    private static List<string> Model(bool keepLeft)
    {
        var rows = Input().SelectMany(b => b).ToList();
        var results = new List<string>();
        foreach (var l in rows.Where(r => r.Side == 0))
        {
            // The version: the right row of the key with the latest time at or before the left row's; the last to come of one time.
            var version = rows.Where(r => r.Side == 1 && r.Key == l.Key && r.Time <= l.Time)
                .Select((r, arrival) => (r, arrival)).OrderBy(v => v.r.Time).ThenBy(v => v.arrival).Select(v => v.r).LastOrDefault();
            var joins = l.Key is not null && version.Side == 1 && version.Kind != RowKind.Delete && l.Value <= version.Value;
            var left = $"{l.Key} {l.Time * 1000} {l.Value}";
            if (joins)
                results.Add($"{left} {version.Key} {version.Time * 1000} {version.Value}");
            else if (keepLeft)
                results.Add($"{(l.Key is null ? "null" : l.Key)} {l.Time * 1000} {l.Value} null null null");
        }

        return results.Order(StringComparer.Ordinal).ToList();
    }

    private List<string> Run(bool keepLeft, string backend, int restoreAfter, out long dropped, int maxPendingRows = TimedJoinOperator.DefaultMaxPendingRows)
    {
        var output = new CollectingRows();
        var store = NewStore(backend);
        var op = SqlOperatorHarness.Open(() => Create(keepLeft, maxPendingRows), output, store);
        var maxTime = long.MinValue;
        var batches = Input();
        dropped = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            foreach (var row in batches[b])
                op.ProcessBatch(row.Side, Rows([(row.Key, row.Time, row.Value)], row.Kind));
            maxTime = Math.Max(maxTime, batches[b].Max(r => r.Time));
            op.ProcessWatermark(0, maxTime - Delay);
            op.ProcessWatermark(1, maxTime - Delay);
            if (b == restoreAfter)
            {
                op.SnapshotState(new CheckpointBarrier(1, 0, SnapshotKind.Checkpoint), new Dictionary<string, byte[]>());
                op.Close();
                store = _stores.Restored(store, backend);
                op = SqlOperatorHarness.Open(() => Create(keepLeft, maxPendingRows), output, store);
                op.ProcessWatermark(0, maxTime - Delay);
                op.ProcessWatermark(1, maxTime - Delay);
            }
        }

        op.ProcessWatermark(0, long.MaxValue);
        op.ProcessWatermark(1, long.MaxValue);
        op.Close();
        return output.Rows.Order(StringComparer.Ordinal).ToList();
    }

    private static TemporalJoinOperator Create(bool keepLeft, int maxPendingRows = TimedJoinOperator.DefaultMaxPendingRows)
    {
        SqlType[] joined = [.. SideTypes, .. SideTypes];
        var condition = new CallExpr("<=", [new InputRef(2, SqlType.BigInt.NotNull), new InputRef(5, SqlType.BigInt.NotNull)], SqlType.Boolean.NotNull);
        var program = CalcProgram.Compile(joined, null, [condition], SqlContext.Utc);
        return new TemporalJoinOperator("temporal-join", new TemporalJoinSpec([0], [0], 1, 1, keepLeft), SideTypes, SideTypes, program, maxPendingRows);
    }

    private static RowBatch Rows(IEnumerable<(long? Key, long Time, long Value)> rows, RowKind kind)
    {
        var builder = new RowBuilder(SideTypes);
        foreach (var (key, time, value) in rows)
            builder.Add(kind, [key, time * 1000, value]);
        return builder.Take()!;
    }

    private IKeyedStateStore NewStore(string backend) => _stores.New(backend);
}
