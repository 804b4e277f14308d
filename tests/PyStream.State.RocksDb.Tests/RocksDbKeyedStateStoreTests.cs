using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.State;
using PyStream.Engine.Tests.State;

namespace PyStream.State.RocksDb.Tests;

/// <summary>The state backend contract, against a real RocksDB on disk.</summary>
public sealed class RocksDbKeyedStateStoreTests : KeyedStateStoreContract
{
    protected override IKeyedStateStore CreateStore() =>
        new RocksDbStateBackend().Create(Guid.NewGuid().ToString("N"), new TaskInfo("test", 0, 1, 128, 0), new Dictionary<string, string>());
}

public sealed class RocksDbStateBackendTests
{
    [Fact]
    public void EachSubtaskGetsItsOwnDatabaseInTheConfiguredFolderRemovedWhenDone()
    {
        var root = Path.Combine(Path.GetTempPath(), "pystream-rocksdb-test-" + Guid.NewGuid().ToString("N"));
        var configuration = new Dictionary<string, string> { [RocksDbStateBackend.LocalDirKey] = root };
        var backend = new RocksDbStateBackend();
        var first = backend.Create("job", new TaskInfo("t", 0, 2, 128, 0), configuration);
        var second = backend.Create("job", new TaskInfo("t", 1, 2, 128, 0), configuration);
        first.Put("s", [1], [1]);
        Assert.Null(second.Get("s", [1]));
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(root, "job")).Length);

        first.Dispose();
        second.Dispose();

        Assert.False(Directory.Exists(Path.Combine(root, "job")));
        Directory.Delete(root);
    }

    [Fact]
    public void AJobNamesItsBackendByFlinksConfigurationKey()
    {
        var available = RocksDbStateBackend.WithDefaults();
        Assert.IsType<RocksDbStateBackend>(StateBackends.Choose(available, new Dictionary<string, string> { [StateBackends.ConfigKey] = "rocksdb" }));
        Assert.Same(StateBackends.Heap, StateBackends.Choose(available, new Dictionary<string, string>()));
        var error = Assert.Throws<PyStream.Engine.PyStreamException>(() =>
            StateBackends.Choose(StateBackends.Default, new Dictionary<string, string> { [StateBackends.ConfigKey] = "rocksdb" }));
        Assert.Contains("'rocksdb' is not available", error.Message, StringComparison.Ordinal);
    }
}

public sealed class RocksDbCheckpointReadTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-rocksdb-read-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void AStoreKeepsItsMergeOperatorAliveThroughGarbageCollectionsUntilClosed()
    {
        var store = new RocksDbKeyedStateStore(Path.Combine(_root.FullName, "job", "gc")); // its Dispose removes "job" too
        store.Append("l:7/list", "k"u8, [1]);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        store.Append("l:7/list", "k"u8, [2]);

        Assert.Equal([1, 2], store.Get("l:7/list", "k"u8));
        store.Dispose(); // RocksDB calls the merge operator's destructor here: a collected one would crash the process
    }

    [Fact]
    public void ANativeCheckpointReadsBackEveryStateIncludingListsStillHeldAsMergeOperands()
    {
        using (var store = new RocksDbKeyedStateStore(Path.Combine(_root.FullName, "db")))
        {
            store.Put("a/value", "k0"u8, [7]);
            store.Append("l:7/list", "k1"u8, [1]);
            store.Append("l:7/list", "k1"u8, [2]);
            store.Append("l:7/list", "k2"u8, [3]);
            store.Put("z/value", "k3"u8, [9]);
            store.CheckpointTo(Path.Combine(_root.FullName, "checkpoint"));
        }

        var read = RocksDbKeyedStateStore.ReadAll(Path.Combine(_root.FullName, "checkpoint"))
            .Select(e => $"{e.StateId}:{System.Text.Encoding.UTF8.GetString(e.Key)}={string.Join(",", e.Value)}")
            .ToList();

        Assert.Equal(["a/value:k0=7", "l:7/list:k1=1,2", "l:7/list:k2=3", "z/value:k3=9"], read);
    }
}

/// <summary>A savepoint of large maps restored at another parallelism, into either backend.</summary>
public sealed class MapStateRescaleTests : IDisposable
{
    private const int MaxParallelism = 128;
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-map-rescale-");

    public void Dispose() => _root.Delete(recursive: true);

    private static byte[] Owner(int owner) => System.Text.Encoding.UTF8.GetBytes($"user-{owner}");

    [Theory]
    [InlineData("hashmap")]
    [InlineData("rocksdb")]
    public void EveryEntryOfALargeMapMovesWithItsOwnersKeyGroup(string backend)
    {
        const int owners = 40, entries = 2_500;
        var directory = Path.Combine(_root.FullName, "savepoint");
        Directory.CreateDirectory(directory);
        using (var old = new HeapKeyedStateStore())
        {
            for (var o = 0; o < owners; o++)
            {
                var prefix = MapEntryKey.Prefix(Owner(o));
                for (var e = 0; e < entries; e++)
                    old.Put("m:7/map", [.. prefix, .. BitConverter.GetBytes(e)], BitConverter.GetBytes(o * entries + e));
            }

            var metadata = new PyStream.Engine.Checkpointing.CheckpointMetadata { JobName = "test", JobId = "0123456789", CheckpointId = 1, MaxParallelism = MaxParallelism };
            metadata.Tasks.Add(new PyStream.Engine.Checkpointing.TaskStateHandle
            {
                Chain = "chain", Subtask = 0, Parallelism = 1, KeyGroupStart = 0, KeyGroupEnd = MaxParallelism,
                Operators = ["7"], StatefulOperators = ["7"],
                KeyedState = PyStream.Engine.Checkpointing.KeyedStateFile.Write(directory, "task-0-0.kv", old, MaxParallelism),
            });
            metadata.WriteTo(directory);
        }

        var factory = StateBackends.Choose(RocksDbStateBackend.WithDefaults(), new Dictionary<string, string> { [StateBackends.ConfigKey] = backend });
        var restored = new Dictionary<int, int>(); // owner -> subtask that holds its map
        for (var subtask = 0; subtask < 3; subtask++)
        {
            var restore = PyStream.Engine.Checkpointing.RestoredCheckpoint.Load(directory).ForTask(["7"], subtask, 3, MaxParallelism);
            using var store = factory.Create("job-" + backend, new TaskInfo("t", subtask, 3, MaxParallelism, 0), new Dictionary<string, string>(), restore);
            for (var o = 0; o < owners; o++)
            {
                var map = store.MapEntries("m:7/map", Owner(o)).ToList();
                var expectedHere = PyStream.Engine.Keys.KeyGroupRange.Of(MaxParallelism, 3, subtask)
                    .Contains(PyStream.Engine.Keys.KeyGroups.KeyGroupOf(Owner(o), MaxParallelism));
                if (!expectedHere)
                {
                    Assert.Empty(map);
                    continue;
                }

                Assert.Equal(entries, map.Count);
                Assert.All(map, entry => Assert.Equal(o * entries + BitConverter.ToInt32(entry.Key), BitConverter.ToInt32(entry.Value)));
                restored.Add(o, subtask);
            }
        }

        Assert.Equal(owners, restored.Count); // each map restored whole, in exactly one subtask
        Assert.True(restored.Values.Distinct().Count() > 1, "the owners should spread over the new subtasks");
    }
}

/// <summary>A CEP run restored mid-pattern and rescaled, its pattern state in RocksDB.</summary>
public sealed class RocksDbCepStateRestoreTests : PyStream.Engine.Tests.Cep.CepStateRestoreContract
{
    protected override IKeyedStateStore CreateStore() =>
        new RocksDbStateBackend().Create(Guid.NewGuid().ToString("N"), new TaskInfo("cep", 0, 1, 128, 0), new Dictionary<string, string>());
}
