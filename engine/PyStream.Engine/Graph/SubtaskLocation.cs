namespace PyStream.Engine.Graph;

/// <summary>Where a subtask runs: a slot of a worker process, or this process.</summary>
public sealed record SubtaskLocation(string Worker, int Slot)
{
    public static SubtaskLocation ThisProcess { get; } = new("local", 0);

    public bool IsThisProcess => this == ThisProcess;
}
