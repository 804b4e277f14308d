using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PyStream.Engine.Cep;

/// <summary>
/// Runs a compiled pattern over the events of one key at a time (Flink's <c>NFA</c>): each
/// event moves every partial match along the edges its conditions allow, branching where
/// several apply (versions tell the branches apart in the shared buffer); matches come out
/// in the order of their first event, filtered by the after-match skip strategy; advancing
/// time drops partial matches whose window has passed and reports them as timed out. One
/// instance serves every key of an operator, on the operator's thread.
/// </summary>
public sealed class Nfa<TEvent>
{
    private readonly CompiledPattern _pattern;
    private readonly ICepConditions<TEvent> _conditions;
    private readonly ICepBatchConditions<TEvent>? _batch;
    private readonly ICepEventRetention<TEvent>? _retention;
    private readonly StrictChain<TEvent>? _chain;
    private readonly ulong _iterative;
    private readonly bool _hasWindow;
    private readonly GraphState[] _states;
    private readonly StepDecisions _decisions;
    private readonly StepDecision _walked = new();
    private readonly Stack<GraphState> _stack = new();
    private readonly List<NfaEdge> _edges = [];
    private readonly List<IterativeTest<TEvent>> _tests = [];
    private readonly List<(int Match, int Condition)> _testOwners = [];
    private readonly Stack<GraphState> _proceedStack = new();
    private readonly List<ComputationState> _potential = [];
    private readonly List<ComputationState> _next = [];
    private readonly List<ComputationState> _retain = [];
    private readonly List<(int Stage, EventId Event)> _path = [];
    private List<ComputationState> _spare = [];

    /// <summary>Iterative condition results of the step under way, by the partial match's position: which are known, and their values.</summary>
    private readonly ScratchArray<(ulong Known, ulong Values)> _memo = new();

    // The step under way.
    private NfaState<TEvent> _state = null!;
    private TEvent _event = default!;
    private ulong _simple;
    private long _timestamp;
    private EventId? _eventId;

    /// <summary>
    /// An NFA for <paramref name="pattern"/>. A pattern that compiled to a strict chain runs as one (see
    /// <see cref="StrictChain{TEvent}"/>) unless <paramref name="chains"/> is false (the general steps, to compare them).
    /// </summary>
    public Nfa(CompiledPattern pattern, ICepConditions<TEvent> conditions, ICepEventRetention<TEvent>? retention = null, bool chains = true)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(conditions);
        if (conditions.Count > NfaCompiler.MaxConditions)
            throw new CepPatternException($"a pattern has at most {NfaCompiler.MaxConditions} conditions, this one has {conditions.Count}");
        for (var c = 0; c < NfaCompiler.MaxConditions; c++)
        {
            if ((pattern.Conditions & (1UL << c)) == 0)
                continue;
            if (c >= conditions.Count)
                throw new CepPatternException($"the pattern uses condition {c} but only {conditions.Count} are defined");
            if (conditions.IsIterative(c))
                _iterative |= 1UL << c;
        }

        _pattern = pattern;
        _states = [.. pattern.States];
        _decisions = new StepDecisions(_states, _iterative);
        _hasWindow = pattern.HasWindow;
        _conditions = conditions;
        _batch = conditions as ICepBatchConditions<TEvent>;
        _retention = retention;
        _chain = chains ? StrictChain<TEvent>.Of(pattern, _iterative, retention) : null;
    }

    public CompiledPattern Pattern => _pattern;

    /// <summary>Whether the pattern runs as a strict chain.</summary>
    public bool IsStrictChain => _chain is not null;

    /// <summary>The graph states (bit per state id under 64) a key's strict-chain partial matches wait in; 0 for the general steps' partial matches.</summary>
    internal ulong ChainStates(NfaState<TEvent> state) => _chain is null || state.ChainLive == 0 ? 0 : _chain.StatesOf(state.ChainLive);

    /// <summary>Whether any condition the pattern uses reads the partial match.</summary>
    public bool HasIterativeConditions => _iterative != 0;

    /// <summary>A key's state before its first event: only the start state.</summary>
    public NfaState<TEvent> CreateInitialState() => new([ComputationState.StartState(_pattern.Start.Id, new DeweyNumber(1))], [], new SharedBuffer<TEvent>(_retention));

    /// <summary>
    /// Feeds one event (with the bits of the simple conditions it meets) at
    /// <paramref name="timestamp"/>; adds the matches it completes to <paramref name="matches"/>.
    /// Call <see cref="AdvanceTime"/> with the timestamp first, as Flink's operator does.
    /// </summary>
    public void Process(NfaState<TEvent> state, TEvent value, ulong simpleConditions, long timestamp, List<PatternMatch<TEvent>> matches)
    {
        if (_chain is not null)
        {
            _chain.Process(state, value, simpleConditions, timestamp, matches);
            return;
        }

        (_state, _event, _simple, _timestamp, _eventId) = (state, value, simpleConditions, timestamp, null);
        try
        {
            if (_iterative != 0)
                _memo.Take(state.Partial.Count).Clear();
            if (_batch is not null && _iterative != 0)
                Prefetch(state);
            // The new partial matches go into a spare list; the old list becomes the next spare.
            var partial = _spare;
            partial.Clear();
            _potential.Clear();
            for (var m = 0; m < state.Partial.Count; m++)
                Step(state, m, partial);

            ProcessMatches(state, _potential, partial, matches);
            var old = state.Partial;
            state.Partial = Sorted(partial);
            _spare = ReferenceEquals(state.Partial, partial) ? old : partial;
        }
        finally
        {
            if (_eventId is { } id)
                state.Buffer.ReleaseEvent(id);
            _state = null!;
            _event = default!;
        }
    }

    /// <summary>Moves partial match <paramref name="m"/> of the key along the event: what goes on to <paramref name="partial"/>, what completes to the potential matches.</summary>
    private void Step(NfaState<TEvent> state, int m, List<ComputationState> partial)
    {
        var next = _next;
        next.Clear();
        ComputeNextStates(in CollectionsMarshal.AsSpan(state.Partial)[m], m, next);
        var retain = _retain;
        retain.Clear();
        var discard = false;
        foreach (ref readonly var state2 in CollectionsMarshal.AsSpan(next))
        {
            switch (_states[state2.State].Type)
            {
                case NfaStateType.Final:
                    _potential.Add(state2);
                    break;
                case NfaStateType.Stop:
                    // A not-condition held: this whole branch dies.
                    discard = true;
                    state.Buffer.ReleaseNode(state2.Previous, state2.Version);
                    break;
                default:
                    retain.Add(state2);
                    break;
            }
        }

        if (discard)
        {
            foreach (ref readonly var dropped in CollectionsMarshal.AsSpan(retain))
                state.Buffer.ReleaseNode(dropped.Previous, dropped.Version);
        }
        else
        {
            partial.AddRange(retain);
        }
    }

    /// <summary>
    /// Whether an event with these simple-condition bits leaves a key that holds only the start state as it is: nothing
    /// holds from the start state but an ignore edge back into it (which a start state does not follow), so
    /// <see cref="Process"/> would change nothing. False when the start state's step reads an iterative condition.
    /// </summary>
    public bool LeavesStartAsIs(ulong simpleConditions)
    {
        var start = _pattern.Start;
        if (!_decisions.TryFind(start, simpleConditions, out var table, out var slot))
            return false;
        if (table[slot] is not { } decision)
        {
            _simple = simpleConditions;
            decision = table[slot] = Walk(ComputationState.StartState(start.Id, new DeweyNumber(1)), 0, start, new StepDecision(), withFinals: true);
        }

        return decision.Takes == 0 && decision.Ignores == 0;
    }

    /// <summary>
    /// Time reached <paramref name="timestamp"/>: partial matches whose window ended time out
    /// (added to <paramref name="timedOut"/> with the time they timed out at, unless it is
    /// null); a trailing not_followed_by whose window ended completes a match.
    /// </summary>
    public void AdvanceTime(NfaState<TEvent> state, long timestamp, List<PatternMatch<TEvent>> matches, List<(PatternMatch<TEvent> Match, long Timestamp)>? timedOut)
    {
        if (_chain is not null)
        {
            _chain.AdvanceTime(state, timestamp, timedOut);
            return;
        }

        if (!_hasWindow || (state.Completed.Count == 0 && state.Partial.Count == 1 && state.Partial[0].StartEvent is null))
            return; // nothing can time out
        // The partial matches that stay are moved up in place (no list per call).
        var partial = state.Partial;
        var kept = 0;
        var potential = _potential;
        potential.Clear();
        for (var i = 0; i < partial.Count; i++)
        {
            var match = partial[i];
            var graphState = _states[match.State];
            var previousWindow = graphState.PreviousWindow;
            // Compared as time >= start + window, so that the final watermark (long.MaxValue) cannot overflow.
            var byPrevious = match.StartEvent is not null && previousWindow > 0 && timestamp >= match.PreviousTimestamp + previousWindow;
            var byFirst = match.StartEvent is not null && _pattern.WindowMillis > 0 && timestamp >= match.StartTimestamp + _pattern.WindowMillis;
            if (!byPrevious && !byFirst)
            {
                partial[kept++] = match;
                continue;
            }

            if (graphState.Type == NfaStateType.Pending)
            {
                potential.Add(match);
                continue;
            }

            if (timedOut is not null)
            {
                var at = byPrevious ? match.PreviousTimestamp + previousWindow : match.StartTimestamp + _pattern.WindowMillis;
                timedOut.Add((CurrentMatch(state, match), at));
            }

            state.Buffer.ReleaseNode(match.Previous, match.Version);
        }

        if (kept == partial.Count && state.Completed.Count == 0)
            return;
        partial.RemoveRange(kept, partial.Count - kept);
        ProcessMatches(state, potential, partial, matches);
    }

    private void ComputeNextStates(in ComputationState match, int index, List<ComputationState> result)
    {
        var current = _states[match.State];
        var decision = Decide(match, index, current);
        var (takes, ignores) = (decision.Takes, decision.Ignores);
        var takesToVisit = Math.Max(0, takes - 1);
        var ignoresToVisit = ignores;
        var takesToSkip = Math.Max(0, takes - 1);
        var isStart = current.Type == NfaStateType.Start;
        for (var e = 0; e < decision.Count; e++)
        {
            var edge = decision.Edges[e];
            if (edge.Action == EdgeAction.Ignore)
            {
                if (isStart)
                    continue;
                DeweyNumber version;
                if (edge.Target == current)
                {
                    version = match.Version.Increase(SelfIncrease(ignores, takes));
                }
                else
                {
                    // An ignore after a proceed: a new branch.
                    version = match.Version.Increase(takesToSkip + ignoresToVisit).AddStage();
                    ignoresToVisit--;
                }

                Add(result, edge.Target, match.Previous, version, match.StartTimestamp, match.PreviousTimestamp, match.StartEvent);
            }
            else
            {
                var currentVersion = match.Version.Increase(takesToVisit);
                var nextVersion = currentVersion.AddStage();
                takesToVisit--;
                var eventId = _eventId ??= _state.Buffer.RegisterEvent(_retention is null ? _event : _retention.Detach(_event), _timestamp);
                var entry = _state.Buffer.Put(edge.Source.Stage, eventId, match.Previous, currentVersion);
                var (startTimestamp, startEvent) = isStart ? (_timestamp, eventId) : (match.StartTimestamp, match.StartEvent!.Value);
                Add(result, edge.Target, entry, nextVersion, startTimestamp, _timestamp, startEvent);
                // A state that can proceed to the end completes a match with this event too.
                if ((decision.Finals is { } finals ? finals[e] : FinalAfterProceed(match, index, edge.Target)) is { } final)
                    Add(result, final, entry, nextVersion, startTimestamp, _timestamp, startEvent);
            }
        }

        if (isStart)
        {
            var increase = SelfIncrease(ignores, takes);
            result.Add(increase == 0 ? match : ComputationState.StartState(current.Id, match.Version.Increase(increase)));
        }

        _state.Buffer.ReleaseNode(match.Previous, match.Version);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // a partial match's temporaries stay in this small frame, out of the step's (zeroed on every call)
    private void Add(List<ComputationState> result, GraphState state, NodeId? previous, DeweyNumber version, long startTimestamp, long previousTimestamp, EventId? startEvent)
    {
        result.Add(new ComputationState(state.Id, previous, version, startTimestamp, previousTimestamp, startEvent));
        _state.Buffer.LockNode(previous, version);
    }

    /// <summary>The step's decision from <paramref name="current"/>: looked up when the state's step reads only simple conditions, else walked.</summary>
    private StepDecision Decide(in ComputationState match, int index, GraphState current)
    {
        if (!_decisions.TryFind(current, _simple, out var table, out var slot))
            return Walk(match, index, current, _walked, withFinals: false);
        return table[slot] ??= Walk(match, index, current, new StepDecision(), withFinals: true);
    }

    /// <summary>Walks the decision graph into <paramref name="decision"/>; with <paramref name="withFinals"/> also where each take proceeds to the end.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // the rare path (a decision not cached yet): kept out of the step's frame
    private StepDecision Walk(in ComputationState match, int index, GraphState current, StepDecision decision, bool withFinals)
    {
        var (takes, ignores) = DecisionGraph(match, index, current);
        if (decision.Edges.Length < _edges.Count)
            decision.Edges = new NfaEdge[Math.Max(_edges.Count, 2 * decision.Edges.Length)];
        _edges.CopyTo(decision.Edges);
        (decision.Count, decision.Takes, decision.Ignores) = (_edges.Count, takes, ignores);
        if (withFinals)
        {
            var finals = new GraphState?[_edges.Count];
            for (var i = 0; i < finals.Length; i++)
            {
                if (_edges[i].Action == EdgeAction.Take)
                    finals[i] = FinalAfterProceed(match, index, _edges[i].Target);
            }

            decision.Finals = finals;
        }

        return decision;
    }

    private static int SelfIncrease(int ignores, int takes) => takes == 0 && ignores == 0 ? 0 : ignores + Math.Max(1, takes);

    /// <summary>The take and ignore edges the event allows from the match's state, following proceed edges; counts exclude an ignore back into the same state.</summary>
    private (int Takes, int Ignores) DecisionGraph(in ComputationState match, int index, GraphState current)
    {
        _edges.Clear();
        _stack.Clear();
        _stack.Push(current);
        var (takes, ignores) = (0, 0);
        while (_stack.TryPop(out var state))
        {
            foreach (var edge in state.Edges)
            {
                if (!Holds(edge.Condition, match, index))
                    continue;
                switch (edge.Action)
                {
                    case EdgeAction.Proceed:
                        _stack.Push(edge.Target);
                        break;
                    case EdgeAction.Take:
                        takes++;
                        _edges.Add(edge);
                        break;
                    default:
                        if (edge.Target != current)
                            ignores++;
                        _edges.Add(edge);
                        break;
                }
            }
        }

        return (takes, ignores);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // the rare path, as Walk
    private GraphState? FinalAfterProceed(in ComputationState match, int index, GraphState state)
    {
        var stack = _proceedStack;
        stack.Clear();
        stack.Push(state);
        while (stack.TryPop(out var next))
        {
            foreach (var edge in next.Edges)
            {
                if (edge.Action != EdgeAction.Proceed || !Holds(edge.Condition, match, index))
                    continue;
                if (edge.Target.IsFinal)
                    return edge.Target;
                stack.Push(edge.Target);
            }
        }

        return null;
    }

    private bool Holds(EdgeCondition condition, in ComputationState match, int index)
    {
        if (condition.Kind == EdgeCondition.Op.True)
            return true;
        var source = new AtomSource(this, match, index);
        return condition.Evaluate(ref source);
    }

    private bool TestIterative(int condition, ComputationState match, int index)
    {
        var bit = 1UL << condition;
        if ((_memo[index].Known & bit) != 0)
            return (_memo[index].Values & bit) != 0;
        var result = _conditions.TestIterative(condition, _event, new ConditionContext(this, _state, match, _timestamp));
        Remember(index, bit, result);
        return result;
    }

    private void Remember(int index, ulong bit, bool result)
    {
        ref var memo = ref _memo[index];
        memo.Known |= bit;
        if (result)
            memo.Values |= bit;
    }

    /// <summary>Evaluates, in one call, every iterative condition this step may read for every partial match.</summary>
    private void Prefetch(NfaState<TEvent> state)
    {
        _tests.Clear();
        _testOwners.Clear();
        for (var m = 0; m < state.Partial.Count; m++)
        {
            var match = state.Partial[m];
            var atoms = _states[match.State].StepAtoms & _iterative;
            if (atoms == 0)
                continue;
            var context = new ConditionContext(this, state, match, _timestamp);
            for (var c = 0; atoms != 0; c++, atoms >>= 1)
            {
                if ((atoms & 1) == 0)
                    continue;
                _tests.Add(new IterativeTest<TEvent>(c, _event, context));
                _testOwners.Add((m, c));
            }
        }

        if (_tests.Count == 0)
            return;
        var results = new bool[_tests.Count];
        _batch!.TestIterative(_tests, results);
        for (var i = 0; i < results.Length; i++)
            Remember(_testOwners[i].Match, 1UL << _testOwners[i].Condition, results[i]);
    }

    /// <summary>
    /// Emits completed matches in the order of their first event. Under a skip strategy a
    /// match waits while a partial match that started earlier may still complete; each
    /// emitted match prunes the partial and waiting matches its strategy discards.
    /// </summary>
    private void ProcessMatches(NfaState<TEvent> state, List<ComputationState> potential, List<ComputationState> partial, List<PatternMatch<TEvent>> matches)
    {
        if (potential.Count > 0)
        {
            state.Completed.AddRange(potential);
            var sorted = Sorted(state.Completed);
            if (!ReferenceEquals(sorted, state.Completed))
            {
                state.Completed.Clear();
                state.Completed.AddRange(sorted);
            }
        }

        var skip = _pattern.Definition.Skip.Kind;
        while (state.Completed.Count > 0)
        {
            var earliest = state.Completed[0];
            if (skip != AfterMatchSkipKind.NoSkip && Earliest(partial) is { } earliestPartial && ComputationState.Compare(earliest, earliestPartial) > 0)
                break;
            state.Completed.RemoveAt(0);
            var path = _path;
            if (!state.Buffer.FirstPath(earliest.Previous!.Value, earliest.Version, path))
                throw new InvalidOperationException("a completed match has no path in the shared buffer");
            if (PruningId(path) is { } pruningId)
            {
                Prune(state, partial, pruningId);
                Prune(state, state.Completed, pruningId);
            }

            matches.Add(state.Buffer.Materialize(path, _pattern.StageNames));
            state.Buffer.ReleaseNode(earliest.Previous, earliest.Version);
        }
    }

    private static ComputationState? Earliest(List<ComputationState> states)
    {
        var all = CollectionsMarshal.AsSpan(states);
        if (all.IsEmpty)
            return null;
        var earliest = 0;
        for (var i = 1; i < all.Length; i++)
        {
            if (ComputationState.Compare(all[i], all[earliest]) < 0)
                earliest = i;
        }

        return all[earliest];
    }

    /// <summary>The event before which (or up to which) partial matches that start there are discarded; null to keep them all.</summary>
    private (EventId Id, bool Inclusive)? PruningId(List<(int Stage, EventId Event)> path)
    {
        switch (_pattern.Definition.Skip.Kind)
        {
            case AfterMatchSkipKind.SkipToNext:
            case AfterMatchSkipKind.SkipPastLastEvent:
                var bound = path[0].Event;
                var toNext = _pattern.Definition.Skip.Kind == AfterMatchSkipKind.SkipToNext;
                foreach (var (_, id) in path)
                {
                    if (toNext ? id.CompareTo(bound) < 0 : id.CompareTo(bound) > 0)
                        bound = id;
                }

                return (bound, true);
            case AfterMatchSkipKind.SkipToFirst:
            case AfterMatchSkipKind.SkipToLast:
                EventId? skipTo = null;
                foreach (var (stage, id) in path)
                {
                    if (stage == _pattern.SkipStage && (skipTo is null || _pattern.Definition.Skip.Kind == AfterMatchSkipKind.SkipToLast))
                        skipTo = id;
                }

                // Null when the stage took nothing in this match: nothing to skip to.
                return skipTo is { } target ? (target, false) : null;
            default:
                return null;
        }
    }

    private static void Prune(NfaState<TEvent> state, List<ComputationState> matches, (EventId Id, bool Inclusive) pruning)
    {
        for (var i = 0; i < matches.Count; i++)
        {
            var match = matches[i];
            if (match.StartEvent is not { } start)
                continue;
            var order = start.CompareTo(pruning.Id);
            if (order < 0 || (order == 0 && pruning.Inclusive))
            {
                state.Buffer.ReleaseNode(match.Previous, match.Version);
                matches.RemoveAt(i--);
            }
        }
    }

    /// <summary>Partial matches ordered by first event, ties in the order they were made (stable).</summary>
    private static List<ComputationState> Sorted(List<ComputationState> states)
    {
        var all = CollectionsMarshal.AsSpan(states);
        for (var i = 1; i < all.Length; i++)
        {
            if (ComputationState.Compare(all[i - 1], all[i]) > 0)
                return [.. states.OrderBy(s => s, Comparer<ComputationState>.Create((a, b) => ComputationState.Compare(a, b)))];
        }

        return states;
    }

    private PatternMatch<TEvent> CurrentMatch(NfaState<TEvent> state, ComputationState match)
    {
        if (match.Previous is not { } previous)
            return new PatternMatch<TEvent>([], []);
        var path = new List<(int Stage, EventId Event)>();
        return state.Buffer.FirstPath(previous, match.Version, path) ? state.Buffer.Materialize(path, _pattern.StageNames) : new PatternMatch<TEvent>([], []);
    }

    private readonly struct AtomSource(Nfa<TEvent> nfa, ComputationState match, int index) : IAtomSource
    {
        public bool Test(int condition) =>
            (nfa._iterative & (1UL << condition)) == 0 ? (nfa._simple & (1UL << condition)) != 0 : nfa.TestIterative(condition, match, index);
    }

    /// <summary>What an iterative condition reads: the partial match, made from the shared buffer on first use.</summary>
    private sealed class ConditionContext(Nfa<TEvent> nfa, NfaState<TEvent> state, ComputationState match, long timestamp) : IConditionContext<TEvent>
    {
        private PatternMatch<TEvent>? _events;

        public long Timestamp { get; } = timestamp;

        public IReadOnlyList<TEvent> EventsForPattern(string stage) => (_events ??= nfa.CurrentMatch(state, match))[stage];
    }
}
