using System.Numerics;
using System.Runtime.CompilerServices;

namespace PyStream.Engine.Cep;

/// <summary>
/// How the NFA runs a pattern whose compiled graph is a strict chain: from the start state, each state has one take edge
/// to the next, the last to the final state (simple conditions, no loop, no ignore or proceed edge but the start state's
/// ignore, which a start state never follows, no PREVIOUS_AND_CURRENT window): <c>begin(a).next(b).next(c)</c>,
/// <c>times(n).consecutive()</c>, SQL's <c>PATTERN (A B C)</c>, with or without a FIRST_AND_LAST <c>within</c>. Under strict
/// contiguity a partial match that has taken i + 1 events took exactly the key's last i + 1 events, so a key's partial
/// matches are a bit mask (bit i: one has taken the first i + 1 states' events) and the key's last events a ring (with
/// their timestamps under a window); an event moves the mask by a shift and its conditions, as a bit-parallel string
/// matcher does. The matches, their order, what each skip strategy prunes and what times out are those of the general
/// steps (Flink's <c>NFA</c> with its <c>SharedBuffer</c>): at most one match completes per event, every other partial
/// match started after its first event, so no match ever waits for an earlier one, pruning by start event is a mask, and
/// the oldest partial matches time out first. Per event this touches the key's state object and its ring, where the
/// general steps walk partial-match lists, versions and the shared buffer's tables, most of them out of the cache by the
/// key's next event.
/// </summary>
internal sealed class StrictChain<TEvent>
{
    private readonly EdgeCondition[] _conditions;
    private readonly int[] _stateIds;
    private readonly ICepEventRetention<TEvent>? _retention;
    private readonly IReadOnlyList<string> _stageNames;

    /// <summary>
    /// By the number of events taken less one (a timed-out partial match, or a match: the last): the layout of the events
    /// (shared by every such match: read only), and per chain state where its event goes in them.
    /// </summary>
    private readonly (int[] Layout, int[] SlotOf)[] _layouts;

    /// <summary>The FIRST_AND_LAST window in milliseconds; 0 without one.</summary>
    private readonly long _window;

    /// <summary>The partial matches (as mask bits) the skip strategy keeps after a match.</summary>
    private readonly ulong _keptAfterMatch;

    private StrictChain(CompiledPattern pattern, List<GraphState> chain, ICepEventRetention<TEvent>? retention)
    {
        _conditions = [.. chain.Select(s => s.Edges.Single(e => e.Action == EdgeAction.Take).Condition)];
        _stateIds = [.. chain.Select(s => s.Id)];
        _retention = retention;
        _stageNames = pattern.StageNames;
        _window = pattern.WindowMillis;
        var stages = chain.Select(s => s.Stage).ToArray();
        _layouts = [.. Enumerable.Range(1, stages.Length).Select(taken => Layout(stages[..taken]))];
        _keptAfterMatch = KeptAfterMatch(pattern, stages);
    }

    /// <summary>Events taken by chain states of these stages, grouped by stage in the order of each stage's first event (as the shared buffer materializes them).</summary>
    private static (int[] Layout, int[] SlotOf) Layout(int[] stages)
    {
        var order = stages.Distinct().ToArray(); // a stage's states are one run of the chain (times(n)): its events in order
        var layout = new int[2 * order.Length];
        var slotOf = new int[stages.Length];
        var end = 0;
        for (var slot = 0; slot < order.Length; slot++)
        {
            for (var i = 0; i < stages.Length; i++)
            {
                if (stages[i] == order[slot])
                    slotOf[i] = end++;
            }

            (layout[2 * slot], layout[(2 * slot) + 1]) = (order[slot], end);
        }

        return (layout, slotOf);
    }

    /// <summary>The chain's length: the events a match takes.</summary>
    public int Length => _stateIds.Length;

    /// <summary>The chain that <paramref name="pattern"/> compiled to, or null when it is not one (see the class summary).</summary>
    public static StrictChain<TEvent>? Of(CompiledPattern pattern, ulong iterative, ICepEventRetention<TEvent>? retention)
    {
        if (iterative != 0 || pattern.States.Any(s => s.PreviousWindow > 0))
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
    public void Process(NfaState<TEvent> state, TEvent value, ulong simpleConditions, long timestamp, List<PatternMatch<TEvent>> matches)
    {
        Adopt(state);
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
            matches.Add(Materialize(state, Length - 1, stored));
            next &= _keptAfterMatch;
        }

        // The key's earlier events the partial matches no longer reach go (the ones back to the oldest that was reached).
        Forget(state, Math.Max(Reach(next), 1), Reach(live));
        if (taken != 0 && next == 0)
            _retention?.Release(stored);
        if (next != 0) // never for a one-state chain: the event it takes completes a match
            state.PushChainEvent(stored, timestamp, Length - 1, _window > 0);
        state.ChainLive = next;
    }

    /// <summary>
    /// Time reached <paramref name="timestamp"/>: the partial matches whose FIRST_AND_LAST window ended time out, oldest
    /// first (added to <paramref name="timedOut"/>, unless null, with the time they timed out at).
    /// </summary>
    public void AdvanceTime(NfaState<TEvent> state, long timestamp, List<(PatternMatch<TEvent> Match, long Timestamp)>? timedOut)
    {
        Adopt(state);
        var live = state.ChainLive;
        if (_window == 0 || live == 0)
            return;
        var expired = 0UL;
        for (var i = Reach(live) - 1; i >= 0; i--)
        {
            // Partial match i took the key's last i + 1 events; compared as time >= start + window, so that the final
            // watermark (long.MaxValue) cannot overflow.
            if ((live & (1UL << i)) == 0 || timestamp < state.ChainTime(i + 1) + _window)
                continue;
            expired |= 1UL << i;
            timedOut?.Add((Materialize(state, i, default!), state.ChainTime(i + 1) + _window));
        }

        if (expired == 0)
            return;
        state.ChainLive = live & ~expired;
        Forget(state, Reach(state.ChainLive) + 1, Reach(live));
    }

    /// <summary>How many of the key's last events the partial matches of <paramref name="live"/> reach (the oldest's start, the highest bit).</summary>
    public static int Reach(ulong live) => 64 - BitOperations.LeadingZeroCount(live);

    /// <summary>
    /// A key whose state holds general partial matches (read from a snapshot the general steps wrote) gets them as the
    /// chain's mask and ring: each partial match waits in the state after the events it took, the key's last ones. A
    /// chain's own state holds only the start state there.
    /// </summary>
    private void Adopt(NfaState<TEvent> state)
    {
        if (state.Partial.Count <= 1)
            return;
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
            state.PushChainEvent(state.Buffer.EventOf(id), id.Timestamp, Length - 1, _window > 0);
        state.ChainLive = live;
        state.Buffer.Clear();
        state.Partial.RemoveAll(m => m.StartEvent is not null);
    }

    /// <summary>
    /// The taken + 1 events of a partial match (the key's last ones), or with taken = Length - 1 of a match (the key's last
    /// Length - 1 and <paramref name="current"/>), grouped by stage.
    /// </summary>
    private PatternMatch<TEvent> Materialize(NfaState<TEvent> state, int taken, TEvent current)
    {
        var (layout, slotOf) = _layouts[taken];
        var events = new TEvent[taken + 1];
        var match = taken == Length - 1;
        if (match)
            events[slotOf[taken]] = current;
        for (var i = 0; i < (match ? taken : taken + 1); i++)
            events[slotOf[i]] = state.ChainEvent(taken + (match ? 0 : 1) - i);
        return new PatternMatch<TEvent>(_stageNames, events, layout);
    }

    /// <summary>Drops the ring's references to the key's events <paramref name="from"/> to <paramref name="to"/> back (letting them go to the retention).</summary>
    private void Forget(NfaState<TEvent> state, int from, int to)
    {
        if (_retention is null && !RuntimeHelpers.IsReferenceOrContainsReferences<TEvent>())
            return;
        for (var back = from; back <= to; back++)
        {
            var value = state.ForgetChainEvent(back);
            _retention?.Release(value);
        }
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
