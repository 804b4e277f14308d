using Microsoft.Extensions.Logging;

namespace PyStream.Engine.Tests.Harness;

/// <summary>Keeps every message logged through it (any category), formatted, for tests to read.</summary>
public sealed class RecordingLogger : ILogger, ILoggerFactory
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
                return [.. _entries];
        }
    }

    public IReadOnlyList<string> Messages => Entries.Select(e => e.Message).ToList();

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (_entries)
            _entries.Add((logLevel, formatter(state, exception)));
    }

    public void Dispose()
    {
    }
}
