using PyStream.Sql.Runtime;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>How many keys an operator keeps typed in memory in front of its store.</summary>
public sealed class StateCachesTests : IDisposable
{
    private readonly TestStateStores _stores = new("state-caches");

    public void Dispose() => _stores.Dispose();

    [Fact]
    public void The_heap_store_gets_no_limit_rocksdb_the_default_and_a_given_limit_holds_for_both()
    {
        var heap = _stores.New("heap");
        var rocksDb = _stores.New("rocksdb");

        Assert.Equal(int.MaxValue, StateCaches.Limit(heap, null, 100));
        Assert.Equal(100, StateCaches.Limit(rocksDb, null, 100));
        Assert.Equal((4, 4), (StateCaches.Limit(heap, 4, 100), StateCaches.Limit(rocksDb, 4, 100)));
    }
}
