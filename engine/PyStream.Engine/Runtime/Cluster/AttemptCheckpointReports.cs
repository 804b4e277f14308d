using PyStream.Engine.Checkpointing;

namespace PyStream.Engine.Runtime.Cluster;

/// <summary>
/// The coordinator's end of its workers' checkpoint reports for one attempt: into the attempt's checkpoint coordinator;
/// <paramref name="taskEnded"/> hears of every subtask that ended.
/// </summary>
internal sealed class AttemptCheckpointReports(CheckpointCoordinator coordinator, IReadOnlyList<RemoteTask> tasks, Action taskEnded) : ICheckpointReports
{
    public void Acknowledged(long checkpointId, TaskStateHandle handle, SubtaskCheckpointStats stats) => coordinator.Acknowledge(checkpointId, handle, stats);

    public void Declined(long checkpointId, string reason) => coordinator.Decline(checkpointId, new PyStreamException(reason));

    public void TaskFinished(TaskStateHandle handle) => coordinator.TaskFinished(handle);

    public void TaskEnded(int vertex, int subtask, string ending)
    {
        var task = tasks.FirstOrDefault(t => t.ChainIndex == vertex && t.SubtaskIndex == subtask);
        if (task is null)
            return; // not a subtask of this attempt: nothing to wait for
        task.MarkEnded();
        coordinator.OnTaskEnded(task, ending);
        taskEnded();
    }
}
