using System.Numerics;
using System.Runtime.CompilerServices;

namespace PyStream.Engine.Cep;

/// <summary>
/// How the NFA runs a pattern whose compiled graph is a strict chain: from the start state, each state has one take edge
/// (simple conditions, no window, no loop, no ignore or proceed edge but the start state's ignore, which a start state
/// never follows) to the next, the last to the final state: <c>begin(a).next(b).next(c)</c>, <c>times(n).consecutive()</c>,
/// SQL's <c>PATTERN (A B C)</c>. Under strict contiguity a partial match that has taken i + 1 events took exactly the key's
/// last i + 1 events, so a key's partial matches are a bit mask (bit i: one has taken the first i + 1 states' events) and
/// the key's last events a ring; an event moves the mask by a shift and its conditions, as a bit-parallel string matcher
/// does. The matches, their order and what each skip strategy prunes are those of the general steps (Flink's <c>NFA</c>
/// with its <c>SharedBuffer</c>): at most one match completes per event, every other partial match started after its
/// first event, so no match ever waits for an earlier one, and pruning by start event is a mask. Per event this touches
/// the key's state object and its ring, where the general steps walk partial-match lists, versions and the shared
/// buffer's tables, most of them out of the cache by the key's next event.
/// </summary>
internal sealed class StrictChain<TEvent>
{
    private readonly EdgeCondition[] _conditions;
    private readonly int[] _stateIds;
    private readonly ICepEventRetention<TEvent>? _retention;
    private readonly IReadOnlyList<string> _stageNames;

    /// <summary>A match's layout (shared by every match: read only) and, per chain state, where its event goes in the match's events.</summary>
    private readonly int[] _layout;

    private readonly int[] _slotOf;

    /// <summary>The partial matches (as mask bits) the skip strategy keeps after a match.</summary>
    private readonly ulong _keptAfterMatch;

    private StrictChain(CompiledPattern pattern, List<GraphState> chain, ICepEventRetention<TEvent>? retention)
    {
        _conditions = [.. chain.Select(s => s.Edges.Single(e => e.Action == EdgeAction.Take).Condition)];
        _stateIds = [.. chain.Select(s => s.Id)];
        _retention = retention;
        _stageNames = pattern.StageNames;
        var stages = chain.Select(s => s.Stage).ToArray();
        var order = stages.Distinct().ToArray(); // a stage's states are one run of the chain (times(n)): its events in order
        _layout = new int[2 * order.Length];
        _slotOf = new int[stages.Length];
        var end = 0;
        for (var slot = 0; slot < order.Length; slot++)
        {
            for (var i = 0; i < stages.Length; i++)
            {
                if (stages[i] == order[slot])
                    _slotOf[i] = end++;
            }

            (_layout[2 * slot], _layout[(2 * slot) + 1]) = (order[slot], end);
        }

        _keptAfterMatch = KeptAfterMatch(pattern, stages);
    }

    /// <summary>The chain's length: the events a match takes.</summary>
    public int Length => _stateIds.Length;

    /// <summary>The chain that <paramref name="pattern"/> compiled to, or null when it is not one (see the class summary).</summary>
    public static StrictChain<TEvent>? Of(CompiledPattern pattern, ulong iterative, ICepEventRetention<TEvent>? retention)
    {
        if (iterative != 0 || pattern.HasWindow)
            return null;
        var chain = new List<GraphState>();
        var state = pattern.Start;
        while (!state.IsFinal)
        {
            var isStart = state.Type == NfaStateType.Start;
            if (chain.Count > 0 && state.Type != NfaStateType.Normal)
                return null;
            var edges = state.Edges.Where(e => !(isStart && e.Action == EdgeAction.Ignore)).ToList();
            if (edges is not [{ Action: EdgeAction.Take } take] || chain.Contains(take.Target) || take.Target == state)
                return null;
            chain.Add(state);
            state = take.Target;
        }

        // Masks of chain.Count bits (and the match bit) fit a ulong.
        return chain.Count is > 0 and < 64 ? new StrictChain<TEvent>(pattern, chain, retention) : null;
    }

    /// <summary>The graph states a key's partial matches wait in (bit per state id, state ids under 64 only), for the conditions in reach.</summary>
    public ulong StatesOf(ulong live)
    {
        var states = 0UL;
        for (; live != 0; live &= live - 1)
        {
            var waiting = _stateIds[BitOperations.TrailingZeroCount(live) + 1];
            if (waiting < 64)
                states |= 1UL << waiting;
        }

        return states;
    }

    /// <summary>Matches one event of the key (with the bits of the simple conditions it meets); adds the match it completes, if any.</summary>
    public void Process(NfaState<TEvent> state, TEvent value, ulong simpleConditions, List<PatternMatch<TEvent>> matches)
    {
        var live = state.ChainLive;
        var taken = 0UL;
        for (var candidates = (live << 1) | 1; candidates != 0; candidates &= candidates - 1)
        {
            var i = BitOperations.TrailingZeroCount(candidates);
            var source = new SimpleBits(simpleConditions);
            if (_conditions[i].Evaluate(ref source))
                taken |= 1UL << i;
        }

        var completes = 1UL << (Length - 1);
        var next = taken & ~completes;
        var stored = default(TEvent)!;
        if (taken != 0)
            stored = _retention is null ? value : _retention.Detach(value);
        if ((taken & completes) != 0)
        {
            matches.Add(Materialize(state, stored));
            next &= _keptAfterMatch;
        }

        // The key's earlier events the partial matches no longer reach go (the ones back to the oldest that was reached).
        if (_retention is not null || RuntimeHelpers.IsReferenceOrContainsReferences<TEvent>())
        {
            for (var back = Math.Max(Reach(next), 1); back <= Reach(live); back++)
                _retention?.Release(state.ForgetChainEvent(back));
            if (taken != 0 && next == 0)
                _retention?.Release(stored);
        }

        if (next != 0 && Length > 1)
            state.PushChainEvent(stored, Length - 1);
        state.ChainLive = next;
    }

    /// <summary>How many of the key's last events the partial matches of <paramref name="live"/> reach (the oldest's start, the highest bit).</summary>
    public static int Reach(ulong live) => 64 - BitOperations.LeadingZeroCount(live);

    /// <summary>
    /// A key whose state holds general partial matches (read from a snapshot the general steps wrote) gets them as the
    /// chain's mask and ring: each partial match waits in the state after the events it took, the key's last ones.
    /// </summary>
    public void Adopt(NfaState<TEvent> state)
    {
        if (state.Completed.Count > 0)
            throw new PyStreamException("CEP state: a completed match waits in a strict chain's state, which never holds one back");
        var path = new List<(int Stage, EventId Event)>();
        List<(int Stage, EventId Event)>? longest = null;
        var live = 0UL;
        foreach (var match in state.Partial)
        {
            if (match.StartEvent is null)
                continue;
            var index = Array.IndexOf(_stateIds, match.State);
            if (index < 1 || !state.Buffer.FirstPath(match.Previous!.Value, match.Version, path) || path.Count != index)
                throw new PyStreamException($"CEP state: a partial match in state {match.State} does not fit the pattern's strict chain");
            live |= 1UL << (index - 1);
            if (path.Count > (longest?.Count ?? 0))
                longest = [.. path];
        }

        foreach (var (_, id) in longest ?? [])
            state.PushChainEvent(state.Buffer.EventOf(id), Length - 1);
        state.ChainLive = live;
        state.Buffer.Clear();
        state.Partial.RemoveAll(m => m.StartEvent is not null);
    }

    private PatternMatch<TEvent> Materialize(NfaState<TEvent> state, TEvent last)
    {
        var events = new TEvent[Length];
        events[_slotOf[Length - 1]] = last;
        for (var back = 1; back < Length; back++)
            events[_slotOf[Length - 1 - back]] = state.ChainEvent(back);
        return new PatternMatch<TEvent>(_stageNames, events, _layout);
    }

    /// <summary>
    /// The partial matches a match leaves, as the general steps prune them: those that start after the pruning event
    /// (Flink's <c>AfterMatchSkipStrategy</c>). After a match of the last Length events, partial match bit i started
    /// i events back, the match Length - 1 back.
    /// </summary>
    private static ulong KeptAfterMatch(CompiledPattern pattern, int[] stages)
    {
        var length = stages.Length;
        var all = (1UL << (length - 1)) - 1;
        switch (pattern.Definition.Skip.Kind)
        {
            case AfterMatchSkipKind.SkipPastLastEvent:
                return 0; // every partial match started at or before the match's last event
            case AfterMatchSkipKind.SkipToFirst:
            case AfterMatchSkipKind.SkipToLast:
                var at = pattern.Definition.Skip.Kind == AfterMatchSkipKind.SkipToFirst
                    ? Array.IndexOf(stages, pattern.SkipStage)
                    : Array.LastIndexOf(stages, pattern.SkipStage);
                // Pruned: those that start before the stage's event (at - Length + 1 back, so more than that back).
                return at < 0 ? all : all & ((1UL << (length - at)) - 1);
            default:
                return all; // no skip; skip to next prunes what started at or before the match's first event: none of these
        }
    }

    private readonly struct SimpleBits(ulong bits) : IAtomSource
    {
        public bool Test(int condition) => (bits & (1UL << condition)) != 0;
    }
}
