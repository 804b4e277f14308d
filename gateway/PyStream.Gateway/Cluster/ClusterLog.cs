namespace PyStream.Gateway.Cluster;

/// <summary>What the coordinator reports about its workers.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "worker {WorkerId} registered from {HostName} (slots: {Slots}, data plane at {DataAddress})")]
    public static partial void WorkerRegistered(this ILogger logger, string workerId, string hostName, int slots, string dataAddress);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "worker {WorkerId} registered again as {NewWorkerId}")]
    public static partial void WorkerRegisteredAgain(this ILogger logger, string workerId, string newWorkerId);

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "worker {WorkerId} lost: {Reason} (slots removed: {Slots})")]
    public static partial void WorkerLost(this ILogger logger, string workerId, string reason, int slots);

    [LoggerMessage(EventId = 505, Level = LogLevel.Information, Message = "attempt {AttemptId} of job '{Job}' deployed to {Workers} workers ({Slots} slots)")]
    public static partial void AttemptDeployed(this ILogger logger, string attemptId, string job, int workers, int slots);

    [LoggerMessage(EventId = 510, Level = LogLevel.Information, Message = "attempt {AttemptId} of job '{Job}' ends to rescale it: {Reason}")]
    public static partial void AttemptRescales(this ILogger logger, string attemptId, string job, string reason);

    [LoggerMessage(EventId = 504, Level = LogLevel.Warning, Message = "refused a worker from {HostName}: {Reason}")]
    public static partial void WorkerRefused(this ILogger logger, string hostName, string reason);

    [LoggerMessage(EventId = 506, Level = LogLevel.Information, Message = "local worker {ProcessId} started (for {Attempt})")]
    public static partial void LocalWorkerStarted(this ILogger logger, int processId, string attempt);

    [LoggerMessage(EventId = 507, Level = LogLevel.Warning, Message = "local worker {ProcessId} exited {Status} by itself; its last lines:\n{Lines}")]
    public static partial void LocalWorkerExited(this ILogger logger, int processId, string status, string lines);

    [LoggerMessage(EventId = 508, Level = LogLevel.Error, Message = "cannot start the local worker '{Executable}': {Reason}")]
    public static partial void LocalWorkerNotStarted(this ILogger logger, string executable, string reason);

    [LoggerMessage(EventId = 509, Level = LogLevel.Warning, Message = "local worker {ProcessId} killed: its cancelled share did not stop within {Seconds} s (a Python function that does not return)")]
    public static partial void LocalWorkerKilled(this ILogger logger, int processId, double seconds);

    [LoggerMessage(EventId = 530, Level = LogLevel.Warning, Message = "worker {WorkerId} reported a metric this coordinator does not have ('{Instrument}', {Kind}): not counted")]
    public static partial void UnknownMetric(this ILogger logger, string workerId, string instrument, string kind);

    [LoggerMessage(EventId = 531, Level = LogLevel.Warning, Message = "worker {WorkerId}: distribution '{Instrument}' recorded more than {Limit} values in a second; {Dropped} were not forwarded (its figures here are of the others)")]
    public static partial void DistributionSamplesDropped(this ILogger logger, string workerId, string instrument, int limit, long dropped);
}
