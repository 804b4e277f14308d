using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>
/// The rank row store with a cache smaller than its partitions: partitions evicted (their changes
/// written) and read back keep their rows, and what it writes to the backend is what a new store
/// reads, on the heap and RocksDB.
/// </summary>
public sealed class RankRowStoreTests : IDisposable
{
    private static readonly SortKey[] ByValueDescending = [new SortKey(1, Descending: true, NullsFirst: false)];

    /// <summary>Rows (partition, value, id): each partition keeps its 3 highest values, equal values in arrival order.</summary>
    private static readonly SqlType[] Types = [.. Enumerable.Repeat(SqlType.BigInt.NotNull, 3)];

    private readonly TestStateStores _stores = new("rank-store");

    public void Dispose() => _stores.Dispose();

    [Theory]
    [InlineData("heap")]
    [InlineData("rocksdb")]
    public void Partitions_evicted_from_a_small_cache_keep_their_top_rows(string backend)
    {
        var state = _stores.New(backend);
        var store = new RankRowStore(state, StateKeys.MapPrefix + "rank/rows", ByValueDescending, Types, maxCachedPartitions: 4);
        var keys = new RowKeys([0], [Types[0]]);
        var model = new Dictionary<long, List<long[]>>();
        var random = new Random(7);
        for (var id = 0L; id < 600; id++)
        {
            long[] row = [random.Next(12), random.Next(20), id];
            var batch = Batch(row);
            var partition = store.Rows(keys.KeyOf(batch, 0));
            store.Insert(partition, partition.PositionOf(batch, 0), batch, 0);
            while (partition.Count > 3)
                store.RemoveAt(partition, partition.Count - 1);
            store.Arena.Recycle();

            // The model: every row of the partition, highest value first, earlier arrivals first among equals, the top 3 kept.
            var kept = model.TryGetValue(row[0], out var rows) ? rows : model[row[0]] = [];
            kept.Add(row);
            model[row[0]] = [.. kept.OrderByDescending(r => r[1]).ThenBy(r => r[2]).Take(3)];
        }

        Assert.Equal(Render(model), Read(store, keys, model.Keys));
        store.Flush();
        var fresh = new RankRowStore(_stores.Restored(state, backend), StateKeys.MapPrefix + "rank/rows", ByValueDescending, Types);
        Assert.Equal(Render(model), Read(fresh, keys, model.Keys));
    }

    private static RowBatch Batch(long[] row) => new([.. row.Select(v => (Column)new Column<long>([v]))], 1);

    private static List<string> Render(Dictionary<long, List<long[]>> model) =>
        [.. model.OrderBy(p => p.Key).Select(p => string.Join(" | ", p.Value.Select(r => $"{r[0]} {r[1]} {r[2]}")))];

    private static List<string> Read(RankRowStore store, RowKeys keys, IEnumerable<long> partitions)
    {
        var rendered = new List<string>();
        foreach (var key in partitions.Order())
        {
            var partition = store.Rows(keys.KeyOf(Batch([key, 0, 0]), 0));
            var rows = new List<string>();
            for (var i = 0; i < partition.Count; i++)
                rows.Add(string.Join(" ", store.Arena.Boxed(partition[i].Slot)));
            rendered.Add(string.Join(" | ", rows));
        }

        return rendered;
    }
}
