using Microsoft.Extensions.Logging;

namespace PyStream.Cli;

/// <summary>
/// The command line's diagnostics: each message as one plain line on stderr, <c>pystream: </c>
/// first, as a command prints its complaints (no timestamps, levels or categories). Written at
/// once rather than from a queue, so lines keep their order with what Python prints and none is
/// lost when the process ends.
/// </summary>
internal sealed class StderrLoggerProvider(TextWriter stderr, LogLevel minimum = LogLevel.Information) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StderrLogger(stderr, minimum);

    public void Dispose()
    {
    }

    /// <summary>A logger factory that writes to <see cref="Console.Error"/> through this provider.</summary>
    public static ILoggerFactory CreateFactory() =>
        LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Information).AddProvider(new StderrLoggerProvider(Console.Error)));

    private sealed class StderrLogger(TextWriter stderr, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                stderr.Write($"pystream: {formatter(state, exception)}\n");
        }
    }
}
