namespace PyStream.Gateway.Uploads;

/// <summary>What the gateway reports about the processes of uploaded scripts.</summary>
internal static partial class UploadLog
{
    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "uploaded script {Name} ({UploadId}) started no job within {Seconds:F0} s: stopping its process {ProcessId}")]
    public static partial void UploadTimedOut(this ILogger logger, string name, string uploadId, double seconds, int processId);

    [LoggerMessage(EventId = 602, Level = LogLevel.Error, Message = "cannot start '{Python}' for uploaded script {Name}: {Reason}")]
    public static partial void UploadNotStarted(this ILogger logger, string python, string name, string reason);
}
