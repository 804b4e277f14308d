namespace PyStream.Engine.Runtime;

/// <summary>A job failed; <see cref="Exception.InnerException"/> is the first task failure.</summary>
public sealed class JobExecutionException(string jobName, Exception cause)
    : PyStreamException($"job '{jobName}' failed: {cause.Message}", cause);
