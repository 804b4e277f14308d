using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime.Cluster;

namespace PyStream.Engine.Tests.Runtime.Cluster;

/// <summary>A worker share's side of the coordinator's checkpoints: the announced directory, and what goes back to the coordinator.</summary>
public sealed class ShareCheckpointsTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    private sealed class RecordedReports : ICheckpointReports
    {
        public List<string> Calls { get; } = [];

        public void Acknowledged(long checkpointId, TaskStateHandle handle, SubtaskCheckpointStats stats) =>
            Calls.Add($"ack {checkpointId} {handle.ChainIndex}/{handle.Subtask} {stats.StateSizeBytes}");

        public void Declined(long checkpointId, string reason) => Calls.Add($"decline {checkpointId}: {reason}");

        public void TaskFinished(TaskStateHandle handle) => Calls.Add($"finished {handle.ChainIndex}/{handle.Subtask}");

        public void TaskEnded(int vertex, int subtask, string ending) => Calls.Add($"ended {vertex}/{subtask} {ending}");
    }

    [Fact]
    public void AnAnnouncedCheckpointsDirectoryIsWhereTasksWriteAndTheirReportsGoToTheCoordinator()
    {
        var reports = new RecordedReports();
        var share = new ShareCheckpoints(reports, "/storage/job/shared", "/storage/job/finished-1", Long, CancellationToken.None);
        share.Announce(7, "/storage/job/chk-7");

        Assert.Equal("/storage/job/chk-7", share.DirectoryOf(7));
        Assert.Equal("/storage/job/shared", share.SharedDirectory);
        Assert.Equal("/storage/job/finished-1", share.FinishedDirectory);
        share.Acknowledge(7, new TaskStateHandle { ChainIndex = 1, Subtask = 2 }, new SubtaskCheckpointStats(1, "count", 2, 0, 0, 0, 0, 42));
        share.Decline(8, new IOException("disk full"));
        share.TaskFinished(new TaskStateHandle { ChainIndex = 0, Subtask = 0 });
        Assert.Equal(["ack 7 1/2 42", "decline 8: could not write the checkpoint's files: disk full", "finished 0/0"], reports.Calls);
    }

    [Fact]
    public async Task ABarrierAheadOfItsAnnouncementWaitsForIt()
    {
        var share = new ShareCheckpoints(new RecordedReports(), "shared", "finished", Long, CancellationToken.None);
        // The barrier came over the network from another worker before this worker's trigger command.
        var waiting = Task.Run(() => share.DirectoryOf(3));
        share.Announce(3, "/storage/job/chk-3");

        Assert.Equal("/storage/job/chk-3", await waiting.WaitAsync(Long));
    }

    [Fact]
    public void AShareThatEndsStopsWaitingAndTheTaskDeclines()
    {
        using var ended = new CancellationTokenSource();
        ended.Cancel();
        var share = new ShareCheckpoints(new RecordedReports(), "shared", "finished", Long, ended.Token);

        var error = Assert.Throws<IOException>(() => share.DirectoryOf(4));
        Assert.Contains("checkpoint 4 was not announced", error.Message, StringComparison.Ordinal);
    }
}
