using System.Threading.Channels;
using PyStream.Cluster.Protocol;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime.Cluster;

namespace PyStream.Worker;

/// <summary>
/// A share's checkpoint reports, on the deployment stream in order with its output and state. Each acknowledgement
/// follows the share's metrics (<paramref name="sendMetrics"/>), so a completed checkpoint's subtasks have reported
/// what they counted up to its barrier.
/// </summary>
internal sealed class ShareCheckpointReports(string attemptId, ChannelWriter<WorkerReport> reports, Action sendMetrics) : ICheckpointReports
{
    public void Acknowledged(long checkpointId, TaskStateHandle handle, SubtaskCheckpointStats stats)
    {
        sendMetrics();
        reports.TryWrite(new WorkerReport
        {
            CheckpointAck = new CheckpointAck
            {
                AttemptId = attemptId, CheckpointId = checkpointId, HandleJson = handle.ToJson(), Vertex = stats.ChainIndex, TaskName = stats.Task,
                Subtask = stats.Subtask, AcknowledgedAt = stats.AcknowledgedAt, AlignmentMs = stats.AlignmentDurationMs, SyncMs = stats.SyncDurationMs,
                AsyncMs = stats.AsyncDurationMs, StateSizeBytes = stats.StateSizeBytes,
            },
        });
    }

    public void Declined(long checkpointId, string reason) =>
        reports.TryWrite(new WorkerReport { CheckpointDecline = new CheckpointDecline { AttemptId = attemptId, CheckpointId = checkpointId, Reason = reason } });

    public void TaskFinished(TaskStateHandle handle) =>
        reports.TryWrite(new WorkerReport { TaskFinished = new TaskFinished { AttemptId = attemptId, HandleJson = handle.ToJson() } });

    public void TaskEnded(int vertex, int subtask, string ending) =>
        reports.TryWrite(new WorkerReport { TaskEnded = new TaskEnded { AttemptId = attemptId, Vertex = vertex, Subtask = subtask, Ending = ending } });
}
