using PyStream.Engine.Checkpointing;
using PyStream.Engine.Tests.Harness;

namespace PyStream.Engine.Tests.Checkpointing;

public sealed class CheckpointFilesTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-checkpoint-");

    public void Dispose() => _root.Delete(recursive: true);

    private string Checkpoint(string job, long id) =>
        TestCheckpoints.Write(Path.Combine(_root.FullName, job, $"chk-{id}"), id,
            new TestCheckpoints.OldSubtask(0, 1, new Dictionary<string, byte[]> { ["src"] = [1, 2, 3, (byte)id] }));

    [Fact]
    public void AFullSnapshotLeavesOutExpiredStateWhereThatCleanupIsOn()
    {
        static byte[] Stamped(long stamp) => [.. BitConverter.GetBytes(stamp).Reverse(), 42];
        using var store = new PyStream.Engine.State.HeapKeyedStateStore();
        var ttls = new PyStream.Engine.State.StateTtls();
        ttls.Declare("7/cleaned", ttlMillis: 1_000, "full_snapshot");
        ttls.Declare("7/kept", ttlMillis: 1_000, "background");
        for (var key = 0; key < 100; key++)
        {
            // Keys below 60 were written at 0 and expired at 1,000; the rest were written at 500.
            var stamp = key < 60 ? 0 : 500;
            store.Put("7/cleaned", BitConverter.GetBytes(key), Stamped(stamp));
            store.Put("7/kept", BitConverter.GetBytes(key), Stamped(stamp));
        }

        var plain = KeyedStateFile.Write(_root.FullName, "plain.kv", store, 128);
        var cleaned = KeyedStateFile.Write(_root.FullName, "cleaned.kv", store, 128, ttls, now: 1_000);

        var entries = KeyedStateFile.Read(Path.Combine(_root.FullName, "cleaned.kv")).GroupBy(e => e.StateId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["7/cleaned"] = 40, ["7/kept"] = 100 }, entries);
        Assert.True(cleaned.Size < plain.Size, $"{cleaned.Size} bytes with cleanup, {plain.Size} without");
    }

    [Fact]
    public void ACheckpointReadsBackWithItsOperatorState()
    {
        var directory = Checkpoint("job", 7);

        var restored = RestoredCheckpoint.Load(directory);
        Assert.Equal(7, restored.CheckpointId);
        var blob = Assert.Single(TestCheckpoints.Restore(directory, ["src"], 0, 1).OperatorState("src"));
        Assert.Equal([1, 2, 3, 7], blob.Data);
    }

    [Fact]
    public void TruncatedMetadataAndChangedFilesAreDetected()
    {
        var truncated = Checkpoint("a", 1);
        var metadata = Path.Combine(truncated, CheckpointMetadata.FileName);
        File.WriteAllText(metadata, File.ReadAllText(metadata)[..^30]);
        Assert.Contains("_metadata", Assert.Throws<CorruptCheckpointException>(() => RestoredCheckpoint.Load(truncated)).Message, StringComparison.Ordinal);

        var changed = Checkpoint("b", 1);
        var file = Path.Combine(changed, "task-0-0.op");
        var bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
        Assert.Contains("'task-0-0.op' does not match its checksum", Assert.Throws<CorruptCheckpointException>(() => RestoredCheckpoint.Load(changed)).Message, StringComparison.Ordinal);

        File.Delete(file);
        Assert.Contains("'task-0-0.op' is missing", Assert.Throws<CorruptCheckpointException>(() => RestoredCheckpoint.Load(changed)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLocatorTakesTheNewestCheckpointAndFallsBackPastACorruptOne()
    {
        Checkpoint("job", 1);
        var second = Checkpoint("job", 2);
        Directory.CreateDirectory(Path.Combine(_root.FullName, "job", "chk-3")); // never completed: no metadata
        using var log = new RecordingLogger();

        Assert.Equal(2, CheckpointLocator.Resolve(_root.FullName, log).CheckpointId);
        Assert.Equal(2, CheckpointLocator.Resolve(Path.Combine(_root.FullName, "job"), log).CheckpointId);

        File.Delete(Path.Combine(second, "task-0-0.op"));
        Assert.Equal(1, CheckpointLocator.Resolve(second, log).CheckpointId);
        Assert.Equal(2, log.Messages.Count);
        Assert.Contains($"checkpoint '{second}' cannot be restored: file 'task-0-0.op' is missing", log.Messages[0], StringComparison.Ordinal);
        // The fallback names what it restored from instead.
        Assert.Equal($"restoring from the older checkpoint '{Path.Combine(_root.FullName, "job", "chk-1")}' (id 1) instead of the corrupt '{second}'", log.Messages[1]);
    }

    [Fact]
    public void NothingToRestoreIsAClearError()
    {
        using var log = new RecordingLogger();
        Assert.Contains("does not exist", Assert.Throws<PyStreamException>(() => CheckpointLocator.Resolve(Path.Combine(_root.FullName, "missing"), log)).Message, StringComparison.Ordinal);
        Assert.Contains("no checkpoint or savepoint at", Assert.Throws<PyStreamException>(() => CheckpointLocator.Resolve(_root.FullName, log)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StateOfAnOperatorTheJobLacksIsRefusedUnlessAllowed()
    {
        var restored = RestoredCheckpoint.Load(Checkpoint("job", 1));

        var refused = Assert.Throws<PyStreamException>(() => restored.CheckCompatible(["other"], TestCheckpoints.MaxParallelism, allowNonRestoredState: false));
        Assert.Contains("(uids: src)", refused.Message, StringComparison.Ordinal);
        restored.CheckCompatible(["other"], TestCheckpoints.MaxParallelism, allowNonRestoredState: true);
        Assert.Contains("max parallelism 128", Assert.Throws<PyStreamException>(() => restored.CheckCompatible(["src"], 256, false)).Message, StringComparison.Ordinal);
    }
}
