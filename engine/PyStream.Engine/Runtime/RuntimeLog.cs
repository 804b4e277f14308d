using Microsoft.Extensions.Logging;

namespace PyStream.Engine.Runtime;

/// <summary>What a job execution reports while it carries on (restarts, clean-up trouble).</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "job '{Job}' failed and restarts in {DelayMs:0} ms ({RestartStrategy}): {Reason}")]
    public static partial void FailedAndRestarts(this ILogger logger, string job, double delayMs, string restartStrategy, string reason, Exception error);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "job '{Job}' failed after its stop-with-savepoint completed: {Reason}")]
    public static partial void FailedAfterStopWithSavepoint(this ILogger logger, string job, string reason, Exception error);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "could not remove the checkpoints of job '{Job}': {Reason}")]
    public static partial void CouldNotRemoveCheckpoints(this ILogger logger, string job, string reason, Exception error);

    [LoggerMessage(EventId = 204, Level = LogLevel.Information, Message = "job '{Job}' restarts at {Slots} slots from its latest checkpoint ({Reason})")]
    public static partial void Rescales(this ILogger logger, string job, int slots, string reason);
}
