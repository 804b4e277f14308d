namespace PyStream.Engine.Cep;

internal enum EdgeAction
{
    /// <summary>Take the event into the partial match and move to the target.</summary>
    Take,

    /// <summary>Skip the event, staying in (or moving to) the target without taking it.</summary>
    Ignore,

    /// <summary>Move to the target without looking at the event (an epsilon edge).</summary>
    Proceed,
}

internal enum NfaStateType
{
    Start,
    Normal,
    Final,

    /// <summary>Reached when a not-condition holds: the branch dies.</summary>
    Stop,

    /// <summary>A trailing <c>not_followed_by</c> waits here; the partial match completes when its window ends.</summary>
    Pending,
}

internal sealed record NfaEdge(EdgeAction Action, GraphState Source, GraphState Target, EdgeCondition Condition);

/// <summary>One NFA state; several can belong to one stage (a loop, the copies of <c>times</c>).</summary>
internal sealed class GraphState(int id, int stage, NfaStateType type, bool greedy)
{
    public int Id { get; } = id;

    /// <summary>The stage whose events this state takes, numbered as <see cref="CompiledPattern.StageNames"/>.</summary>
    public int Stage { get; } = stage;

    public NfaStateType Type { get; private set; } = type;

    public bool Greedy { get; } = greedy;

    public List<NfaEdge> Edges { get; } = [];

    /// <summary>The PREVIOUS_AND_CURRENT window of this state's stage in milliseconds; 0 without one.</summary>
    public long PreviousWindow { get; set; }

    /// <summary>Iterative conditions on edges reachable from here through proceed edges (what one step may evaluate).</summary>
    public ulong ReachableAtoms { get; set; }

    /// <summary>What one step may evaluate: <see cref="ReachableAtoms"/> and those of the states a take leads to.</summary>
    public ulong StepAtoms { get; set; }

    public bool IsFinal => Type == NfaStateType.Final;

    public void MakeStart() => Type = NfaStateType.Start;

    public void AddTake(GraphState target, EdgeCondition condition) => Edges.Add(new NfaEdge(EdgeAction.Take, this, target, condition));

    public void AddTake(EdgeCondition condition) => AddTake(this, condition);

    public void AddIgnore(EdgeCondition condition) => AddIgnore(this, condition);

    public void AddIgnore(GraphState target, EdgeCondition condition) => Edges.Add(new NfaEdge(EdgeAction.Ignore, this, target, condition));

    public void AddProceed(GraphState target, EdgeCondition condition) => Edges.Add(new NfaEdge(EdgeAction.Proceed, this, target, condition));
}
