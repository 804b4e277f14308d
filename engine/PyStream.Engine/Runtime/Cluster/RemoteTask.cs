using PyStream.Engine.Checkpointing;

namespace PyStream.Engine.Runtime.Cluster;

/// <summary>A subtask as the coordinator's checkpoint coordinator sees it when it runs on a worker.</summary>
internal sealed class RemoteTask(string name, int chainIndex, int subtaskIndex, bool isSource, bool isSink) : ICheckpointedTask
{
    private volatile bool _ended;

    public string Name { get; } = name;

    public int ChainIndex { get; } = chainIndex;

    public int SubtaskIndex { get; } = subtaskIndex;

    public bool IsSource { get; } = isSource;

    /// <summary>Its chain has no network outputs: it ends in sinks.</summary>
    public bool IsSink { get; } = isSink;

    /// <summary>Its worker reported that its thread ended.</summary>
    public bool Ended => _ended;

    public void MarkEnded() => _ended = true;
}
