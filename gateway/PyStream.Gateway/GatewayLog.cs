using Microsoft.Extensions.Logging;

namespace PyStream.Gateway;

/// <summary>What the gateway itself reports through ASP.NET Core's logging.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "job '{Job}' ({JobId}) did not stop within {Seconds:F0} s of being cancelled")]
    public static partial void JobDidNotStop(this ILogger logger, string job, string jobId, double seconds);
}
