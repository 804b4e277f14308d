using PyStream.Engine.State;
using PyStream.Sql.Runtime;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>How many keys an operator keeps typed in memory in front of its store.</summary>
public sealed class StateCachesTests
{
    [Fact]
    public void The_heap_store_gets_no_limit_a_store_elsewhere_the_default_and_a_given_limit_holds_for_both()
    {
        using var heap = new HeapKeyedStateStore();
        using var elsewhere = new NotInMemory(new HeapKeyedStateStore());

        Assert.Equal(int.MaxValue, StateCaches.Limit(heap, null, 100));
        Assert.Equal(100, StateCaches.Limit(elsewhere, null, 100));
        Assert.Equal((4, 4), (StateCaches.Limit(heap, 4, 100), StateCaches.Limit(elsewhere, 4, 100)));
    }

    /// <summary>A store that does not keep its values in memory, as RocksDB (here over the heap store, for speed).</summary>
    private sealed class NotInMemory(IKeyedStateStore inner) : IKeyedStateStore
    {
        public byte[]? Get(string stateId, ReadOnlySpan<byte> key) => inner.Get(stateId, key);

        public void Put(string stateId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => inner.Put(stateId, key, value);

        public void Remove(string stateId, ReadOnlySpan<byte> key) => inner.Remove(stateId, key);

        public void Append(string stateId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => inner.Append(stateId, key, value);

        public IEnumerable<KeyValuePair<byte[], byte[]>> MapEntries(string stateId, byte[] owner, int limit = int.MaxValue) => inner.MapEntries(stateId, owner, limit);

        public void RemoveMap(string stateId, ReadOnlySpan<byte> owner) => inner.RemoveMap(stateId, owner);

        public IEnumerable<KeyValuePair<byte[], byte[]>> Entries(string stateId) => inner.Entries(stateId);

        public IEnumerable<string> StateIds => inner.StateIds;

        public void Dispose() => inner.Dispose();
    }
}
