namespace PyStream.Engine.Checkpointing;

/// <summary>What the coordinator needs from each task of the run it coordinates.</summary>
internal interface ICheckpointedTask
{
    /// <summary>The task's name as users see it: its chain's name, and its subtask when there are several.</summary>
    string Name { get; }

    int ChainIndex { get; }

    int SubtaskIndex { get; }

    /// <summary>The task runs a source, where the coordinator injects barriers.</summary>
    bool IsSource { get; }
}
