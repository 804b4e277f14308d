using System.Runtime.Intrinsics.X86;

namespace PyStream.Engine.Cep;

/// <summary>
/// What an event allows from one NFA state: the take and ignore edges of its decision graph (proceed edges followed), how
/// many takes and ignores (an ignore back into the state itself not counted), and per take edge the final state it reaches
/// through proceed edges, if any. <see cref="Finals"/> is null when those are evaluated per edge as the step goes.
/// </summary>
internal sealed class StepDecision
{
    public NfaEdge[] Edges { get; set; } = [];

    public GraphState?[]? Finals { get; set; }

    public int Count { get; set; }

    public int Takes { get; set; }

    public int Ignores { get; set; }
}

/// <summary>
/// The decisions of states whose step reads only simple conditions (no iterative one, at most
/// <see cref="MaxBits"/> of them): one per combination of those conditions' bits, made on first use and looked up after,
/// so a step walks no edges and evaluates no condition trees (Flink walks them per event; the result is the same).
/// </summary>
internal sealed class StepDecisions
{
    private const int MaxBits = 8;

    /// <summary>Per state id: the bits its step reads, or 0 with a null table when it is not cached.</summary>
    private readonly ulong[] _masks;
    private readonly StepDecision?[]?[] _tables;

    public StepDecisions(IReadOnlyList<GraphState> states, ulong iterative)
    {
        var count = states.Count == 0 ? 0 : states.Max(s => s.Id) + 1;
        _masks = new ulong[count];
        _tables = new StepDecision?[]?[count];
        foreach (var state in states)
        {
            var bits = System.Numerics.BitOperations.PopCount(state.StepAtoms);
            if ((state.StepAtoms & iterative) != 0 || bits > MaxBits)
                continue;
            _masks[state.Id] = state.StepAtoms;
            _tables[state.Id] = new StepDecision?[1 << bits];
        }
    }

    /// <summary>The table of <paramref name="state"/> and its slot for the event's simple-condition bits; false when the state is not cached.</summary>
    public bool TryFind(GraphState state, ulong simple, out StepDecision?[] table, out int slot)
    {
        table = _tables[state.Id]!;
        slot = 0;
        if (table is null)
            return false;
        var mask = _masks[state.Id];
        if (Bmi2.X64.IsSupported)
        {
            slot = (int)Bmi2.X64.ParallelBitExtract(simple, mask);
            return true;
        }

        for (var bit = 0; mask != 0; mask &= mask - 1, bit++)
        {
            if ((simple & mask & (~mask + 1)) != 0)
                slot |= 1 << bit;
        }

        return true;
    }
}
