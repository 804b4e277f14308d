namespace PyStream.Worker;

/// <summary>What a worker reports about its coordinator.</summary>
internal static partial class WorkerLog
{
    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "registered with the coordinator at {Coordinator} as {WorkerId} (slots: {Slots}; heartbeats every {IntervalMs} ms, timeout {TimeoutMs} ms)")]
    public static partial void Registered(this ILogger logger, string coordinator, string workerId, int slots, long intervalMs, long timeoutMs);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "cannot register with the coordinator at {Coordinator}: {Reason}; trying again in {DelayMs:F0} ms (attempt {Attempt})")]
    public static partial void CannotRegister(this ILogger logger, string coordinator, string reason, double delayMs, int attempt);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "lost the coordinator at {Coordinator}: {Reason}; registering again")]
    public static partial void LostCoordinator(this ILogger logger, string coordinator, string reason);

    [LoggerMessage(EventId = 604, Level = LogLevel.Error, Message = "the coordinator at {Coordinator} refused this worker: {Reason}")]
    public static partial void Refused(this ILogger logger, string coordinator, string reason);

    [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "running attempt {AttemptId} of job '{Job}': {Subtasks} subtasks here")]
    public static partial void ShareDeployed(this ILogger logger, string attemptId, string job, int subtasks);

    [LoggerMessage(EventId = 606, Level = LogLevel.Information, Message = "attempt {AttemptId} of job '{Job}': {Count} Python files in {Directory}")]
    public static partial void ShareFilesWritten(this ILogger logger, string attemptId, string job, int count, string directory);

    [LoggerMessage(EventId = 607, Level = LogLevel.Warning, Message = "cannot remove the Python files in {Directory}: {Reason}; they go when the worker stops")]
    public static partial void ShareFilesNotRemoved(this ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 608, Level = LogLevel.Warning, Message = "cancelling the shares still running here ({Count}): their deployment stream ended (a coordinator that leads next restarts their jobs)")]
    public static partial void SharesCancelled(this ILogger logger, int count);

    [LoggerMessage(EventId = 609, Level = LogLevel.Information, Message = "running uploaded script {Name} ({UploadId}) as process {ProcessId}")]
    public static partial void UploadStarted(this ILogger logger, string name, string uploadId, int processId);
}
