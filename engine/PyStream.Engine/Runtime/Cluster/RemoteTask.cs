using PyStream.Engine.Checkpointing;

namespace PyStream.Engine.Runtime.Cluster;

/// <summary>A subtask as the coordinator's checkpoint coordinator sees it when it runs on a worker.</summary>
internal sealed class RemoteTask(string name, int chainIndex, int subtaskIndex, bool isSource) : ICheckpointedTask
{
    private volatile bool _ended;

    public string Name { get; } = name;

    public int ChainIndex { get; } = chainIndex;

    public int SubtaskIndex { get; } = subtaskIndex;

    public bool IsSource { get; } = isSource;

    /// <summary>Its worker reported that its thread ended.</summary>
    public bool Ended => _ended;

    public void MarkEnded() => _ended = true;
}
