namespace PyStream.Engine.Cep;

/// <summary>
/// Which conditions the NFA may read when it matches a key's next events, from the states the key's partial matches
/// are in: a front end whose conditions are dear to test (Python) tests an event only against those, where Flink tests
/// the conditions of the edges it walks. The n-th event of a key in a batch may find the key in any state n - 1 steps
/// lead to from those states, so the answer widens with each event of the key; it is a superset of what the steps read.
/// Patterns of more than 64 states are not followed: every condition is in reach.
/// </summary>
internal sealed class ReachableConditions
{
    private const int MaxStates = 64;

    /// <summary>Per state id: the conditions one step from it may read (see <see cref="Reads"/>).</summary>
    private readonly ulong[] _atoms;

    /// <summary>Per state id: the states a step from it may leave a partial match in (bit per state id).</summary>
    private readonly ulong[] _next;

    private readonly ulong _all;
    private readonly ulong _start;

    public ReachableConditions(CompiledPattern pattern)
    {
        var states = pattern.States;
        _all = pattern.Conditions;
        var count = states.Count == 0 ? 0 : states.Max(s => s.Id) + 1;
        Followed = count <= MaxStates;
        _atoms = new ulong[Followed ? count : 0];
        _next = new ulong[Followed ? count : 0];
        if (!Followed)
            return;
        _start = 1UL << pattern.Start.Id;
        foreach (var state in states)
        {
            _atoms[state.Id] = Reads(state);
            _next[state.Id] = NextStates(state);
        }
    }

    /// <summary>Whether states are followed (at most 64 of them); when not, <see cref="Atoms"/> is every condition.</summary>
    public bool Followed { get; }

    /// <summary>The states of <paramref name="partial"/> and the start state as bits (0 when states are not followed).</summary>
    public ulong StatesOf(List<ComputationState> partial)
    {
        if (!Followed)
            return 0;
        var states = _start;
        foreach (var match in partial)
            states |= 1UL << match.State;
        return states;
    }

    /// <summary>The states of a key that holds only the start state, as <see cref="StatesOf"/> gives them.</summary>
    public ulong StartStates => Followed ? _start : 0;

    /// <summary>The states one more event may leave the partial matches in, from <paramref name="states"/>.</summary>
    public ulong Step(ulong states)
    {
        var next = 0UL;
        for (; states != 0; states &= states - 1)
            next |= _next[System.Numerics.BitOperations.TrailingZeroCount(states)];
        return next;
    }

    /// <summary>The conditions a step from <paramref name="states"/> may read.</summary>
    public ulong Atoms(ulong states)
    {
        if (!Followed)
            return _all;
        var atoms = 0UL;
        for (; states != 0; states &= states - 1)
            atoms |= _atoms[System.Numerics.BitOperations.TrailingZeroCount(states)];
        return atoms;
    }

    /// <summary>
    /// The conditions a step from <paramref name="state"/> may read: those of the edges behind its proceed edges (the
    /// decision graph) and of the proceed edges behind each take's target (whether the take also completes a match).
    /// Narrower than <see cref="GraphState.StepAtoms"/>, which counts every edge behind a take's target.
    /// </summary>
    private static ulong Reads(GraphState state)
    {
        var atoms = 0UL;
        foreach (var current in NfaCompiler.ProceedClosure(state))
        {
            foreach (var edge in current.Edges)
            {
                atoms |= edge.Condition.Atoms;
                if (edge.Action != EdgeAction.Take)
                    continue;
                foreach (var behind in NfaCompiler.ProceedClosure(edge.Target))
                {
                    foreach (var proceed in behind.Edges.Where(e => e.Action == EdgeAction.Proceed))
                        atoms |= proceed.Condition.Atoms;
                }
            }
        }

        return atoms;
    }

    /// <summary>
    /// Where a step leaves a partial match of <paramref name="state"/>: the targets of the take and ignore edges behind
    /// its proceed edges, and the start state itself (it stays). Final and stop states hold no partial match.
    /// </summary>
    private static ulong NextStates(GraphState state)
    {
        var next = state.Type == NfaStateType.Start ? 1UL << state.Id : 0UL;
        foreach (var current in NfaCompiler.ProceedClosure(state))
        {
            foreach (var edge in current.Edges)
            {
                if (edge.Action != EdgeAction.Proceed && edge.Target.Type is not (NfaStateType.Final or NfaStateType.Stop))
                    next |= 1UL << edge.Target.Id;
            }
        }

        return next;
    }
}
