using PyStream.Engine.Keys;
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

    private static byte[] Entry(string owner, string entry) =>
        [.. MapEntryKey.Prefix(System.Text.Encoding.UTF8.GetBytes(owner)), .. System.Text.Encoding.UTF8.GetBytes(entry)];

    private static Dictionary<string, byte> MapOf(IKeyedStateStore store, string stateId, string owner) =>
        store.MapEntries(stateId, System.Text.Encoding.UTF8.GetBytes(owner))
            .ToDictionary(e => System.Text.Encoding.UTF8.GetString(e.Key), e => e.Value.Single());

    [Fact]
    public void AMapStateStoresEachEntryAndListsOneOwnersEntriesOnly()
    {
        // "a" and "ab" as owners: one owner's bytes are a prefix of the other's.
        _store.Put("m:7/map", Entry("a", "x"), [1]);
        _store.Put("m:7/map", Entry("a", "y"), [2]);
        _store.Put("m:7/map", Entry("ab", "x"), [3]);
        _store.Put("m:7/map", Entry("a", "x"), [4]);
        _store.Remove("m:7/map", Entry("a", "y"));

        Assert.Equal(new Dictionary<string, byte> { ["x"] = 4 }, MapOf(_store, "m:7/map", "a"));
        Assert.Equal(new Dictionary<string, byte> { ["x"] = 3 }, MapOf(_store, "m:7/map", "ab"));
        Assert.Equal([4], _store.Get("m:7/map", Entry("a", "x")));
        Assert.Null(_store.Get("m:7/map", Entry("a", "y")));
        Assert.Single(_store.MapEntries("m:7/map", "ab"u8.ToArray(), limit: 1));
        Assert.Equal(2, _store.Entries("m:7/map").Count());
    }

    [Fact]
    public void RemovingAMapRemovesEveryEntryOfThatOwnerOnly()
    {
        for (var i = 0; i < 100; i++)
        {
            _store.Put("m:7/map", Entry("a", $"e{i}"), [1]);
            _store.Put("m:7/map", Entry("b", $"e{i}"), [2]);
        }

        _store.RemoveMap("m:7/map", "a"u8);

        Assert.Empty(MapOf(_store, "m:7/map", "a"));
        Assert.Equal(100, MapOf(_store, "m:7/map", "b").Count);
    }

    [Fact]
    public void MapEntriesKeepTheirOwnersKeyGroupSoARescaleSplitsMapsByOwner()
    {
        var owner = "user-42"u8.ToArray();
        _store.Put("m:7/map", [.. MapEntryKey.Prefix(owner), .. "entry"u8], [1]);

        var stored = _store.Entries("m:7/map").Single().Key;

        Assert.Equal(KeyGroups.KeyGroupOf(owner, 128), StateKeys.KeyGroupOf("m:7/map", stored, 128));
        Assert.True(StateKeys.BelongsTo("m:7/map", "7"));
        Assert.True(StateKeys.BelongsTo("w:l:7/window/list", "7"));
        Assert.False(StateKeys.BelongsTo("m:7/map", "m:7"));
    }

    [Fact]
    public void AListAppendExtendsItsValueAndPutReplacesIt()
    {
        _store.Append("l:7/list", "k"u8, [1, 2]);
        _store.Append("l:7/list", "k"u8, [3]);
        _store.Append("l:7/list", "other"u8, [9]);

        Assert.Equal([1, 2, 3], _store.Get("l:7/list", "k"u8));

        _store.Put("l:7/list", "k"u8, [5]);
        _store.Append("l:7/list", "k"u8, [6]);

        Assert.Equal([5, 6], _store.Get("l:7/list", "k"u8));
        Assert.Equal(2, _store.Entries("l:7/list").Count());
        _store.Remove("l:7/list", "k"u8);
        Assert.Null(_store.Get("l:7/list", "k"u8));
    }

    [Fact]
    public void AListOfManyAppendsReadsBackEveryByteInOrder()
    {
        // 100 KB in appends of 1 to 600 bytes: the heap backend's list crosses several of its chunks.
        var expected = new List<byte>();
        for (var i = 0; expected.Count < 100_000; i++)
        {
            var element = Enumerable.Range(0, 1 + (i * 37 % 600)).Select(b => (byte)(b + i)).ToArray();
            _store.Append("l:7/long", "k"u8, element);
            expected.AddRange(element);
        }

        Assert.Equal(expected.ToArray(), _store.Get("l:7/long", "k"u8));
        Assert.Equal(expected.ToArray(), _store.Entries("l:7/long").Single().Value);
    }

    [Fact]
    public void ASweepRemovesExpiredValuesMapEntriesAndListElementsOnly()
    {
        static byte[] Stamped(long stamp, byte value) => [.. BitConverter.GetBytes(stamp).Reverse(), value];
        static byte[] Framed(params byte[][] elements) =>
            [.. elements.SelectMany(e => BitConverter.GetBytes(e.Length).Concat(e))];

        var ttls = new StateTtls();
        foreach (var id in new[] { "7/value", "m:7/map", "l:7/list" })
            ttls.Declare(id, ttlMillis: 100, "incremental:1000:0;compaction:1000"); // the heap's and RocksDB's strategies
        _store.Put("7/value", "old"u8, Stamped(0, 1));
        _store.Put("7/value", "new"u8, Stamped(50, 2));
        _store.Put("m:7/map", Entry("k", "old"), Stamped(0, 3));
        _store.Put("m:7/map", Entry("k", "new"), Stamped(60, 4));
        _store.Put("l:7/list", "k"u8, Framed(Stamped(0, 5), Stamped(70, 6)));
        _store.Put("l:7/list", "gone"u8, Framed(Stamped(10, 7)));

        // Expired: stamp + ttl <= now.
        ttls.Sweep(_store, records: 10, now: 110); // 5 values per record on either backend: all 6 checked

        Assert.Null(_store.Get("7/value", "old"u8));
        Assert.Equal(Stamped(50, 2), _store.Get("7/value", "new"u8));
        Assert.Equal(["new"], _store.MapEntries("m:7/map", "k"u8.ToArray()).Select(e => System.Text.Encoding.UTF8.GetString(e.Key)));
        Assert.Equal(Framed(Stamped(70, 6)), _store.Get("l:7/list", "k"u8));
        Assert.Null(_store.Get("l:7/list", "gone"u8));
    }

    [Fact]
    public void ASweepChecksAtMostItsBudgetPerRecord()
    {
        var ttls = new StateTtls();
        ttls.Declare("7/value", ttlMillis: 1, "incremental:5:1;compaction:1000"); // 5 values per record on either backend
        for (var i = 0; i < 20; i++)
            _store.Put("7/value", BitConverter.GetBytes(i), new byte[9]); // stamp 0: expired at 1

        Assert.Equal(10, ttls.Sweep(_store, records: 2, now: 1));
        Assert.Equal(10, _store.Entries("7/value").Count());
        Assert.Equal(10, ttls.Sweep(_store, records: 100, now: 1)); // the pass ends with the keys stored when it began
        Assert.Empty(_store.Entries("7/value"));
        Assert.Equal(0, ttls.Sweep(_store, records: 100, now: 1));
        Assert.Empty(_store.Entries("7/value"));
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
