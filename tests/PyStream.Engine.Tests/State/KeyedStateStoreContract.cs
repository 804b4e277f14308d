using PyStream.Engine.State;

namespace PyStream.Engine.Tests.State;

/// <summary>
/// What every keyed state backend must do, run once per backend: heap here, RocksDB in
/// PyStream.State.RocksDb.Tests.
/// </summary>
public abstract class KeyedStateStoreContract : IDisposable
{
    private readonly IKeyedStateStore _store;

    protected KeyedStateStoreContract() => _store = CreateStore();

    protected abstract IKeyedStateStore CreateStore();

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void ManyKeysRoundTripAndEntriesListExactlyOneStatesKeys()
    {
        for (var i = 0; i < 1_000; i++)
        {
            _store.Put("a", BitConverter.GetBytes(i), BitConverter.GetBytes(i * 2));
            _store.Put("ab", BitConverter.GetBytes(i), [1]); // a state id that extends another's
        }

        for (var i = 0; i < 1_000; i += 2)
            _store.Remove("a", BitConverter.GetBytes(i));

        var entries = _store.Entries("a").ToDictionary(e => BitConverter.ToInt32(e.Key), e => BitConverter.ToInt32(e.Value));
        Assert.Equal(500, entries.Count);
        Assert.All(entries, e => Assert.Equal(e.Key * 2, e.Value));
        Assert.Equal(1_000, _store.Entries("ab").Count());
    }

    [Fact]
    public void StateIdsNameEveryStateThatWasWritten()
    {
        Assert.Empty(_store.StateIds);
        _store.Put("w:3/contents", [1], [2]);
        _store.Put("7/total", [1], [2]);
        _store.Put("7/total", [2], [3]);

        Assert.Equal(["7/total", "w:3/contents"], _store.StateIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EmptyKeysAndValuesAreValues()
    {
        _store.Put("s", [], []);

        var value = _store.Get("s", []);
        Assert.NotNull(value);
        Assert.Empty(value);
        Assert.Single(_store.Entries("s"));
    }

    [Fact]
    public void MissingStateOrKeyReadsAsNull()
    {
        Assert.Null(_store.Get("count", "k"u8));

        _store.Put("count", "k"u8, [1]);

        Assert.Null(_store.Get("count", "other"u8));
        Assert.Null(_store.Get("sum", "k"u8));
    }

    [Fact]
    public void KeysAreComparedByContent()
    {
        byte[] written = [1, 2, 3];
        byte[] read = [1, 2, 3];

        _store.Put("count", written, [42]);

        Assert.Equal([42], _store.Get("count", read));
        Assert.Equal([42], _store.Get("count", new byte[] { 0, 1, 2, 3, 4 }.AsSpan(1, 3)));
    }

    [Fact]
    public void PutOverwrites()
    {
        _store.Put("count", "k"u8, [1]);
        _store.Put("count", "k"u8, [2, 2]);

        Assert.Equal([2, 2], _store.Get("count", "k"u8));
        Assert.Single(_store.Entries("count"));
    }

    [Fact]
    public void PutCopiesTheCallersKeyAndValue()
    {
        byte[] key = [7];
        byte[] value = [1, 1];

        _store.Put("count", key, value);
        key[0] = 8;
        value[0] = 9;

        Assert.Equal([1, 1], _store.Get("count", [7]));
        Assert.Null(_store.Get("count", [8]));
    }

    [Fact]
    public void RemoveDeletesOnlyThatKey()
    {
        _store.Put("count", "a"u8, [1]);
        _store.Put("count", "b"u8, [2]);

        _store.Remove("count", "a"u8.ToArray());
        _store.Remove("count", "missing"u8);
        _store.Remove("no-such-state", "a"u8);

        Assert.Null(_store.Get("count", "a"u8));
        Assert.Equal([2], _store.Get("count", "b"u8));
    }

    [Fact]
    public void StatesAreSeparateByName()
    {
        _store.Put("count", "k"u8, [1]);
        _store.Put("sum", "k"u8, [2]);

        _store.Remove("count", "k"u8);

        Assert.Null(_store.Get("count", "k"u8));
        Assert.Equal([2], _store.Get("sum", "k"u8));
    }

    [Fact]
    public void EntriesListsEveryKeyWithItsValue()
    {
        _store.Put("count", "a"u8, [1]);
        _store.Put("count", "b"u8, [2]);
        _store.Put("count", ReadOnlySpan<byte>.Empty, [3]);
        _store.Put("other", "c"u8, [4]);

        var entries = _store.Entries("count")
            .Select(e => (Key: System.Text.Encoding.UTF8.GetString(e.Key), Value: e.Value.Single()))
            .OrderBy(e => e.Key, StringComparer.Ordinal);

        Assert.Equal([("", (byte)3), ("a", (byte)1), ("b", (byte)2)], entries);
        Assert.Empty(_store.Entries("unknown"));
    }

    [Fact]
    public void ByteArrayComparerHashesEqualContentEqually()
    {
        IEqualityComparer<byte[]> comparer = ByteArrayComparer.Instance;

        Assert.True(comparer.Equals([1, 2], [1, 2]));
        Assert.False(comparer.Equals([1, 2], [1, 2, 3]));
        Assert.False(comparer.Equals([1], null));
        Assert.True(comparer.Equals(null, null));
        Assert.Equal(comparer.GetHashCode([5, 6, 7]), comparer.GetHashCode([5, 6, 7]));
        Assert.Equal(comparer.GetHashCode([5, 6, 7]), ByteArrayComparer.Instance.GetHashCode([5, 6, 7]));
    }
}

public sealed class HeapKeyedStateStoreTests : KeyedStateStoreContract
{
    protected override IKeyedStateStore CreateStore() => new HeapKeyedStateStore();
}
