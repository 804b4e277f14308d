namespace PyStream.Gateway.HighAvailability;

/// <summary>What a coordinator reports about its stored jobs and its leadership.</summary>
internal static partial class HighAvailabilityLog
{
    [LoggerMessage(EventId = 601, Level = LogLevel.Error, Message = "high availability: skipped the stored job '{Directory}': {Reason}")]
    public static partial void StoredJobUnreadable(this ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 602, Level = LogLevel.Information, Message = "high availability: resumed job '{Job}' ({JobId}) from {Checkpoint}")]
    public static partial void JobResumed(this ILogger logger, string job, string jobId, string checkpoint);

    [LoggerMessage(EventId = 603, Level = LogLevel.Error, Message = "high availability: could not resume job '{Job}' ({JobId}): {Reason}")]
    public static partial void JobNotResumed(this ILogger logger, string job, string jobId, string reason);

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "high availability: could not remove the ended job {JobId} from the storage: {Reason}")]
    public static partial void StoredJobNotRemoved(this ILogger logger, string jobId, string reason);

    [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "leader election: {Identity} leads now (lease {Lease})")]
    public static partial void LeadershipGranted(this ILogger logger, string identity, string lease);

    [LoggerMessage(EventId = 606, Level = LogLevel.Warning, Message = "leader election: {Identity} lost the lead (lease {Lease}): {Reason}")]
    public static partial void LeadershipLost(this ILogger logger, string identity, string lease, string reason);

    [LoggerMessage(EventId = 607, Level = LogLevel.Warning, Message = "leader election: a call for lease {Lease} failed: {Reason}")]
    public static partial void LeaseCallFailed(this ILogger logger, string lease, string reason);

    [LoggerMessage(EventId = 608, Level = LogLevel.Information, Message = "high availability: job {JobId} had ended (its result is in the job result store): not resumed; removed from the storage")]
    public static partial void EndedJobNotResumed(this ILogger logger, string jobId);

    [LoggerMessage(EventId = 609, Level = LogLevel.Error, Message = "high availability: could not write the result of the ended job {JobId} to the job result store: {Reason}")]
    public static partial void JobResultNotWritten(this ILogger logger, string jobId, string reason);
}
