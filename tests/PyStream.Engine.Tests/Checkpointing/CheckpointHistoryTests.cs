using PyStream.Engine.Checkpointing;

namespace PyStream.Engine.Tests.Checkpointing;

public sealed class CheckpointHistoryTests
{
    private static CheckpointStats Stats(long id, SnapshotKind kind = SnapshotKind.Checkpoint, string? failure = null) =>
        new(id, kind, TriggeredAt: id * 100, DurationMs: 5, SizeBytes: 10, Directory: null, failure);

    [Fact]
    public void ItKeepsTheNewestEntriesAndCountsEveryOne()
    {
        var history = new CheckpointHistory(capacity: 3);
        for (var id = 1; id <= 5; id++)
            history.Add(Stats(id));
        history.Add(Stats(6, failure: "checkpoint 6 expired"));

        Assert.Equal([4L, 5, 6], history.Entries.Select(e => e.Id));
        Assert.Equal((5, 1), (history.CompletedCount, history.FailedCount));
        var (checkpoint, savepoint, failed) = history.Latest;
        Assert.Equal((5L, (long?)null, 6L), (checkpoint!.Id, savepoint?.Id, failed!.Id));
    }

    [Fact]
    public void CompletedSavepointsStayWhenCheckpointsPassThem()
    {
        var history = new CheckpointHistory(capacity: 2);
        history.Add(Stats(1));
        history.Add(Stats(2, SnapshotKind.Savepoint));
        history.Add(Stats(3, SnapshotKind.Savepoint, failure: "a task ended before it was acknowledged"));
        history.Add(Stats(4, SnapshotKind.StopSavepoint));
        for (var id = 5; id <= 8; id++)
            history.Add(Stats(id));

        // The two newest, and the completed savepoints 2 and 4; checkpoint 1 and the failed savepoint 3 have gone.
        Assert.Equal([2L, 4, 7, 8], history.Entries.Select(e => e.Id));
        Assert.Equal(4L, history.Latest.Savepoint!.Id);
        Assert.Equal((7, 1), (history.CompletedCount, history.FailedCount));
    }

    [Fact]
    public void TheCapacityIsFlinksWebCheckpointsHistory()
    {
        Assert.Equal(10, CheckpointingOptions.From(new Dictionary<string, string>()).History);
        Assert.Equal(25, CheckpointingOptions.From(new Dictionary<string, string> { [CheckpointingOptions.HistoryKey] = "25" }).History);
        Assert.Throws<PyStreamException>(() => CheckpointingOptions.From(new Dictionary<string, string> { [CheckpointingOptions.HistoryKey] = "0" }));
    }
}
