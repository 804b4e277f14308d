using PyStream.Engine.State;
using PyStream.State.RocksDb;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>State stores of one test on the heap or RocksDB backend, disposed (and their directory removed) with the test.</summary>
internal sealed class TestStateStores(string name) : IDisposable
{
    private readonly List<IKeyedStateStore> _stores = [];
    private readonly string _directory = Directory.CreateTempSubdirectory($"pystream-{name}-").FullName;

    public IKeyedStateStore New(string backend)
    {
        IKeyedStateStore store = backend == "heap"
            ? new HeapKeyedStateStore()
            : new RocksDbKeyedStateStore(Path.Combine(_directory, $"db{_stores.Count}"));
        _stores.Add(store);
        return store;
    }

    /// <summary>What a restore from a checkpoint of <paramref name="store"/> starts with: a new store holding its every entry.</summary>
    public IKeyedStateStore Restored(IKeyedStateStore store, string backend)
    {
        var restored = New(backend);
        foreach (var stateId in store.StateIds)
        {
            foreach (var (key, value) in store.Entries(stateId))
                restored.Put(stateId, key, value);
        }

        return restored;
    }

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        // A RocksDB store removes its directory, and the parent once empty.
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
