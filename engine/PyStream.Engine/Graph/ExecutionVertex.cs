using PyStream.Engine.Keys;

namespace PyStream.Engine.Graph;

/// <summary>One parallel subtask of a chain: the keys it owns, where it runs and its channels.</summary>
public sealed class ExecutionVertex
{
    private readonly Dictionary<StreamEdge, List<ExecutionChannel>> _outputs = [];

    internal ExecutionVertex(ExecutionJobVertex jobVertex, int subtaskIndex, int maxParallelism)
    {
        JobVertex = jobVertex;
        SubtaskIndex = subtaskIndex;
        KeyGroups = KeyGroupRange.Of(maxParallelism, jobVertex.Chain.Parallelism, subtaskIndex);
    }

    public ExecutionJobVertex JobVertex { get; }

    public int SubtaskIndex { get; }

    /// <summary>The key groups whose keyed state and timers this subtask owns.</summary>
    public KeyGroupRange KeyGroups { get; }

    public SubtaskLocation Location { get; internal set; } = SubtaskLocation.ThisProcess;

    /// <summary>The chain's name, with the subtask's position when there are several (Flink's task name).</summary>
    public string Name => JobVertex.Parallelism > 1 ? $"{JobVertex.Chain.Name} ({SubtaskIndex + 1}/{JobVertex.Parallelism})" : JobVertex.Chain.Name;

    /// <summary>The channels this subtask reads, in the order of its input gate.</summary>
    public List<ExecutionChannel> InputChannels { get; } = [];

    /// <summary>The channels this subtask writes for an edge leaving its chain, by consumer subtask.</summary>
    public IReadOnlyList<ExecutionChannel> OutputsOf(StreamEdge edge) => _outputs.TryGetValue(edge, out var channels) ? channels : [];

    internal List<ExecutionChannel> OutputChannelsOf(StreamEdge edge)
    {
        if (!_outputs.TryGetValue(edge, out var channels))
            _outputs[edge] = channels = [];
        return channels;
    }

    public override string ToString() => Name;
}
