using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime;

/// <summary>What a job run needs from its host: output streams, diagnostics, a clock, the Python runtime.</summary>
public sealed record JobEnvironment
{
    public TextWriter Stdout { get; init; } = Console.Out;

    /// <summary>Where a print sink with <c>to_stderr</c> writes (job output, not diagnostics).</summary>
    public TextWriter Stderr { get; init; } = Console.Error;

    /// <summary>Diagnostics of the engine and its connectors; the host decides where they go (none by default).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Processing time. Tests inject a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public IPythonRuntime? Python { get; init; }

    public CollectedResults Results { get; init; } = new();

    /// <summary>Settings a job gets when its own configuration leaves them out (e.g. a gateway's checkpoint directory).</summary>
    public IReadOnlyDictionary<string, string> ConfigurationDefaults { get; init; } = new Dictionary<string, string>();

    /// <summary>Settings that override every job's own configuration (e.g. <c>./pystream run -s</c>'s restore path).</summary>
    public IReadOnlyDictionary<string, string> ConfigurationOverrides { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Called with the job's id and the checkpoint's directory when a checkpoint completed: its
    /// metadata is written and no sink has committed it yet, so a host that records it (a gateway
    /// with high availability) never points at a checkpoint older than the output committed. An
    /// <see cref="IOException"/> it throws fails that checkpoint.
    /// </summary>
    public Action<string, string>? CheckpointCompleted { get; init; }

    /// <summary>State backends jobs may choose with <c>state.backend.type</c>.</summary>
    public IReadOnlyDictionary<string, Checkpointing.IStateBackendFactory> StateBackends { get; init; } = Checkpointing.StateBackends.Default;

    /// <summary>Connectors for the source and sink kinds the engine does not build itself.</summary>
    public IReadOnlyList<IConnector> Connectors { get; init; } = [];

    /// <summary>Builders of operators the engine does not know itself (SQL queries').</summary>
    public IReadOnlyList<IOperatorProvider> OperatorProviders { get; init; } = [];

    /// <summary>A cluster worker's channels to other workers; null in a single-process host.</summary>
    public Cluster.RemoteChannels? Network { get; init; }

    /// <summary>A cluster coordinator's scheduler: jobs run in the workers' slots, none in this process; null: jobs run here.</summary>
    public Cluster.IAttemptScheduler? Cluster { get; init; }
}
