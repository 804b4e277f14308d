using Microsoft.Extensions.Logging;

namespace PyStream.Engine.Checkpointing;

/// <summary>What checkpointing reports without failing the job.</summary>
internal static partial class CheckpointingLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "cannot start a checkpoint of job '{Job}': {Reason}")]
    public static partial void CannotStartCheckpoint(this ILogger logger, string job, string reason, Exception error);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "could not remove a subsumed checkpoint of job '{Job}': {Reason}")]
    public static partial void CouldNotRemoveSubsumedCheckpoint(this ILogger logger, string job, string reason, Exception error);

    /// <summary>A corrupt checkpoint is passed over for an older one; the reason names its directory.</summary>
    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "{Reason}")]
    public static partial void SkippedCorruptCheckpoint(this ILogger logger, string reason, Exception error);

    /// <summary>Names what a job restores from after passing over a corrupt checkpoint.</summary>
    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "restoring from the older checkpoint '{Directory}' (id {CheckpointId}) instead of the corrupt '{Corrupt}'")]
    public static partial void RestoringFromOlderCheckpoint(this ILogger logger, string directory, long checkpointId, string corrupt);
}
