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
