using Microsoft.Extensions.Logging;
using PyStream.Gateway.Protocol;

namespace PyStream.Gateway.Jobs;

/// <summary>
/// One job's diagnostics: each message goes into the job's event log as a line of its error
/// output (<c>pystream: </c> first, as <c>./pystream run</c> prints it), so the job's clients
/// see it, and on to the gateway's own logging.
/// </summary>
internal sealed class JobLoggerFactory(JobEventLog events, ILoggerFactory gateway) : ILoggerFactory
{
    /// <summary>The least severe message a job's clients are shown.</summary>
    public const LogLevel Minimum = LogLevel.Information;

    public ILogger CreateLogger(string categoryName) => new JobLogger(events, gateway.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("a job's loggers write to its event log and the gateway's logging; add providers to the gateway's");

    public void Dispose()
    {
        // The gateway's factory outlives every job.
    }

    private sealed class JobLogger(JobEventLog events, ILogger gateway) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => gateway.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => (logLevel >= Minimum && logLevel != LogLevel.None) || gateway.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= Minimum && logLevel != LogLevel.None)
                events.Append(new JobEvent { ErrorOutput = $"pystream: {formatter(state, exception)}\n" });
            gateway.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
