using PyStream.Engine.Checkpointing;

namespace PyStream.Engine.Runtime.Cluster;

/// <summary>
/// What a worker's subtasks did with a checkpoint, on its way to the coordinator's checkpoint coordinator: the
/// worker's host implements it over its deployment stream, and the coordinator's run implements it to receive them.
/// </summary>
public interface ICheckpointReports
{
    /// <summary>A subtask wrote its part of checkpoint <paramref name="checkpointId"/> into the checkpoint's directory.</summary>
    void Acknowledged(long checkpointId, TaskStateHandle handle, SubtaskCheckpointStats stats);

    /// <summary>A subtask could not take its part (storage trouble); <paramref name="reason"/> in words.</summary>
    void Declined(long checkpointId, string reason);

    /// <summary>A subtask finished and wrote its final state, which stands in for it in every later checkpoint.</summary>
    void TaskFinished(TaskStateHandle handle);

    /// <summary>A subtask's thread ended (<paramref name="ending"/>: "finished", "was cancelled", "failed (...)").</summary>
    void TaskEnded(int vertex, int subtask, string ending);
}
