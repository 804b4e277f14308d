namespace PyStream.Gateway.Uploads;

/// <summary>What the gateway reports about the processes of uploaded scripts.</summary>
internal static partial class UploadLog
{
    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "uploaded script {Name} ({UploadId}) started no job within {Seconds:F0} s: stopping its process {ProcessId} (worker: {Worker})")]
    public static partial void UploadTimedOut(this ILogger logger, string name, string uploadId, double seconds, int? processId, string? worker);

    [LoggerMessage(EventId = 602, Level = LogLevel.Error, Message = "cannot start '{Python}' for uploaded script {Name}: {Reason}")]
    public static partial void UploadNotStarted(this ILogger logger, string python, string name, string reason);

    [LoggerMessage(EventId = 603, Level = LogLevel.Information, Message = "uploaded script {Name} ({UploadId}) runs on worker {WorkerId}")]
    public static partial void UploadOnWorker(this ILogger logger, string name, string uploadId, string workerId);

    [LoggerMessage(EventId = 604, Level = LogLevel.Information, Message = "uploaded script {Name} ({UploadId}) waits for a worker to run it: none is connected")]
    public static partial void UploadWaitsForWorker(this ILogger logger, string name, string uploadId);
}
