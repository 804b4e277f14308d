using System.Collections.Concurrent;
using PyStream.Engine.Checkpointing;

namespace PyStream.Engine.Runtime.Cluster;

/// <summary>
/// A worker share's side of the coordinator's checkpoints: its tasks write into the directory the coordinator
/// announced with the trigger and their acknowledgements go to the coordinator. A task downstream of another
/// worker may get a barrier before this worker heard of the checkpoint: it waits for the announcement, up to
/// the checkpoint timeout, then declines.
/// </summary>
internal sealed class ShareCheckpoints(ICheckpointReports reports, string sharedDirectory, string finishedDirectory, TimeSpan timeout,
    CancellationToken cancellation) : ICheckpointAcknowledger
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<string>> _directories = new();

    public string SharedDirectory => sharedDirectory;

    public string FinishedDirectory => finishedDirectory;

    /// <summary>The coordinator started checkpoint <paramref name="checkpointId"/> into <paramref name="directory"/>.</summary>
    public void Announce(long checkpointId, string directory)
    {
        Announcement(checkpointId).TrySetResult(directory);
        // Older announcements are of checkpoints this share's tasks are past.
        foreach (var old in _directories.Keys.Where(id => id < checkpointId - 64))
            _directories.TryRemove(old, out _);
    }

    private TaskCompletionSource<string> Announcement(long checkpointId) =>
        _directories.GetOrAdd(checkpointId, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

    public string DirectoryOf(long checkpointId)
    {
        var announced = Announcement(checkpointId).Task;
        try
        {
            if (announced.Wait(timeout, cancellation))
                return announced.Result;
        }
        catch (OperationCanceledException)
        {
            // The share is ending: the checkpoint cannot complete.
        }

        throw new IOException($"checkpoint {checkpointId} was not announced by the coordinator within {timeout.TotalMilliseconds} ms");
    }

    public void Acknowledge(long checkpointId, TaskStateHandle handle, SubtaskCheckpointStats stats) => reports.Acknowledged(checkpointId, handle, stats);

    public void Decline(long checkpointId, Exception reason) => reports.Declined(checkpointId, CheckpointCoordinator.PlainReason(reason));

    public void TaskFinished(TaskStateHandle handle) => reports.TaskFinished(handle);

    public void OnTaskEnded(ICheckpointedTask task, string ending) => reports.TaskEnded(task.ChainIndex, task.SubtaskIndex, ending);

    public System.Diagnostics.ActivityContext TraceOf(long checkpointId) => default;
}
