namespace PyStream.Engine.Cep;

/// <summary>
/// Compiles a <see cref="PatternDefinition"/> into NFA states the way Flink's
/// <c>NFACompiler</c> does: from the last stage back to the first, each stage becomes one or
/// more states with TAKE, IGNORE and PROCEED edges; <c>not_next</c>/<c>not_followed_by</c>
/// become edges into stop states; a trailing <c>not_followed_by</c> becomes a pending state
/// that completes when its window ends. Patterns Flink refuses (and ones that could match
/// nothing at all) are refused here with a <see cref="CepPatternException"/> naming the stage.
/// </summary>
public sealed class NfaCompiler
{
    /// <summary>The most conditions one pattern may number (they are kept as bits of a ulong).</summary>
    public const int MaxConditions = 64;

    private readonly PatternDefinition _definition;
    private readonly List<GraphState> _states = [];
    private readonly List<string> _stageNames = [];
    private readonly Dictionary<PatternStage, int> _stageIndex = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, GraphState> _stopStates = [];
    private readonly Dictionary<PatternStage, bool> _firstOfLoop = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<PatternStage> _named = new(ReferenceEqualityComparer.Instance);
    private readonly long _window;
    private Position _current;
    private Position? _following;
    private PatternStage? _currentGroup;
    private Position? _currentGroupPosition;
    private EdgeCondition? _followingTake;

    private NfaCompiler(PatternDefinition definition)
    {
        _definition = definition;
        _current = new Position(definition.Stages, definition.Stages.Count - 1);
        _window = FirstAndLastWindow(definition);
    }

    /// <summary>Checks <paramref name="pattern"/> and compiles it; throws <see cref="CepPatternException"/> for a pattern the engine cannot run.</summary>
    public static CompiledPattern Compile(PatternDefinition pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        pattern = PatternChecks.Normalize(pattern);
        var compiler = new NfaCompiler(pattern);
        compiler.NumberStages(pattern.Stages);
        var sink = compiler.CreateState(-1, NfaStateType.Final);
        sink = compiler.CreateMiddleStates(sink);
        compiler.ConvertPattern(sink).MakeStart();
        compiler.CheckWindows();
        return new CompiledPattern(pattern, compiler._stageNames, compiler._states, compiler._window, compiler.UsedConditions());
    }

    /// <summary>The FIRST_AND_LAST window: the smallest within of the pattern and its stages (as Flink's compiler); 0 without one.</summary>
    internal static long FirstAndLastWindow(PatternDefinition pattern)
    {
        if (pattern.WithinType != WithinType.FirstAndLast)
            return 0;
        var windows = AllStages(pattern.Stages).Select(s => s.WithinMillis).Append(pattern.WithinMillis).OfType<long>().ToList();
        return windows.Count == 0 ? 0 : windows.Min();
    }

    internal static IEnumerable<PatternStage> AllStages(IReadOnlyList<PatternStage> stages) =>
        stages.SelectMany(s => s.Group is { } group ? AllStages(group).Prepend(s) : [s]);

    private void NumberStages(IReadOnlyList<PatternStage> stages)
    {
        foreach (var stage in AllStages(stages))
        {
            _stageIndex[stage] = _stageNames.Count;
            _stageNames.Add(stage.Name);
        }
    }

    /// <summary>As Flink's compiler (<c>checkPatternWindowTimes</c>): no state's PREVIOUS_AND_CURRENT window longer than the FIRST_AND_LAST one.</summary>
    private void CheckWindows()
    {
        if (_window <= 0 || _states.FirstOrDefault(s => s.PreviousWindow > _window) is not { } state)
            return;
        throw new CepPatternException(
            $"stage '{_stageNames[state.Stage]}': its PREVIOUS_AND_CURRENT within ({state.PreviousWindow} ms) is longer than the pattern's FIRST_AND_LAST within ({_window} ms); " +
            "the window length between the previous and current event cannot be larger than the window length between the first and last event (as in Flink)");
    }

    /// <summary>
    /// The PREVIOUS_AND_CURRENT within given on a stage: its <see cref="PatternStage.PreviousWithinMillis"/>; in a
    /// pattern of that <see cref="PatternDefinition.WithinType"/> also its own within, else the pattern's. Null without one.
    /// </summary>
    private static long? PreviousWindow(PatternDefinition pattern, PatternStage stage) =>
        stage.PreviousWithinMillis
        ?? (pattern.WithinType == WithinType.PreviousAndCurrent ? stage.WithinMillis ?? pattern.WithinMillis : null);

    private ulong UsedConditions()
    {
        var used = 0UL;
        foreach (var state in _states)
        {
            foreach (var edge in state.Edges)
                used |= edge.Condition.Atoms;
        }

        foreach (var state in _states)
        {
            // What one step from this state may evaluate: its edges and those behind its proceed edges.
            state.ReachableAtoms = ProceedClosure(state).SelectMany(s => s.Edges).Aggregate(0UL, (atoms, edge) => atoms | edge.Condition.Atoms);
        }

        foreach (var state in _states)
            state.StepAtoms = StepAtoms(state);
        return used;
    }

    /// <summary>The conditions one step from <paramref name="state"/> may read: its proceed closure and, after a take, the target's.</summary>
    private static ulong StepAtoms(GraphState state)
    {
        var atoms = state.ReachableAtoms;
        foreach (var next in ProceedClosure(state))
        {
            foreach (var edge in next.Edges.Where(e => e.Action == EdgeAction.Take))
                atoms |= edge.Target.ReachableAtoms;
        }

        return atoms;
    }

    /// <summary>The state and every state its proceed edges lead to, whatever their conditions.</summary>
    internal static IEnumerable<GraphState> ProceedClosure(GraphState state)
    {
        var seen = new HashSet<GraphState>();
        var stack = new Stack<GraphState>([state]);
        while (stack.TryPop(out var next))
        {
            if (!seen.Add(next))
                continue;
            yield return next;
            foreach (var edge in next.Edges.Where(e => e.Action == EdgeAction.Proceed))
                stack.Push(edge.Target);
        }
    }

    private GraphState CreateState(int stage, NfaStateType type, bool greedy = false)
    {
        var state = new GraphState(_states.Count, stage, type, greedy);
        _states.Add(state);
        return state;
    }

    /// <summary>
    /// A state of <paramref name="stage"/>. One that <paramref name="takes"/> the stage's events (not the twin an
    /// optional stage or a loop moves to when it ignores one) gets its PREVIOUS_AND_CURRENT window, as Flink's
    /// compiler: the stage's own within, or for a counted stage the count's window on every state but the first
    /// compiled (the one Flink names without a suffix: a loop's own state, or the last of <c>times(n)</c>).
    /// </summary>
    private GraphState CreateState(PatternStage stage, bool takes, NfaStateType type = NfaStateType.Normal)
    {
        var first = _named.Add(stage);
        var state = CreateState(_stageIndex[stage], type, stage.Quantifier.Greedy);
        if (takes)
            state.PreviousWindow = (stage.Quantifier.Counted ? first ? null : stage.Quantifier.WithinMillis : PreviousWindow(_definition, stage)) ?? 0;
        return state;
    }

    private GraphState CreateMiddleStates(GraphState sink)
    {
        var lastSink = sink;
        while (_current.Previous is { } previous)
        {
            var stage = _current.Stage;
            if (stage.Kind == StageKind.NotFollowedBy)
            {
                // Not patterns become edge conditions; only a trailing one (with a window) gets a state.
                if (lastSink.IsFinal && HasWindow(stage))
                {
                    var notFollow = CreateState(stage, takes: true, NfaStateType.Pending);
                    var notCondition = TakeCondition(stage);
                    notFollow.AddProceed(CreateStopState(notCondition, stage), notCondition);
                    notFollow.AddIgnore(EdgeCondition.Not(notCondition));
                    lastSink = notFollow;
                }
            }
            else if (stage.Kind == StageKind.NotNext)
            {
                var notNext = CreateState(stage, takes: true);
                var notCondition = TakeCondition(stage);
                var stop = CreateStopState(notCondition, stage);
                if (lastSink.IsFinal)
                    notNext.AddIgnore(lastSink, EdgeCondition.Not(notCondition)); // so that no proceed to the final state fires
                else
                    notNext.AddProceed(lastSink, EdgeCondition.Not(notCondition));
                notNext.AddProceed(stop, notCondition);
                lastSink = notNext;
            }
            else
            {
                lastSink = ConvertPattern(lastSink);
            }

            _following = _current;
            _current = previous;
        }

        return lastSink;
    }

    private bool HasWindow(PatternStage stage) => _window > 0 || PreviousWindow(_definition, stage) is > 0;

    private GraphState ConvertPattern(GraphState sink)
    {
        var stage = _current.Stage;
        var quantifier = stage.Quantifier;
        GraphState lastSink;
        if (quantifier.Max is null)
        {
            // Once a loop has started, the not-patterns before the optional states no longer apply.
            SetFirstOfLoop(false);
            var looping = CreateLooping(CopyWithoutTransitiveNots(sink));
            SetFirstOfLoop(true);
            lastSink = CreateTimesState(looping, sink, quantifier.Min, quantifier.Min);
        }
        else if (quantifier.Max > 1)
        {
            lastSink = CreateTimesState(sink, sink, quantifier.Min, quantifier.Max.Value);
        }
        else
        {
            lastSink = CreateSingletonState(sink, sink, TakeCondition(stage), IgnoreCondition(stage), IsOptional(stage));
        }

        AddStopStates(lastSink);
        return lastSink;
    }

    private GraphState CreateStopState(EdgeCondition notCondition, PatternStage stage)
    {
        if (!_stopStates.TryGetValue(stage.Name, out var stop))
        {
            stop = CreateState(_stageIndex[stage], NfaStateType.Stop);
            stop.AddTake(notCondition);
            _stopStates[stage.Name] = stop;
        }

        return stop;
    }

    /// <summary>
    /// The not-conditions that still apply to the current stage: those of not_followed_by
    /// stages reachable backwards through optional stages.
    /// </summary>
    private List<(EdgeCondition Condition, PatternStage Stage)> CurrentNotConditions()
    {
        var conditions = new List<(EdgeCondition, PatternStage)>();
        var position = _current;
        while (position.Previous is { } previous && (previous.Stage.Quantifier.Optional || previous.Stage.Kind == StageKind.NotFollowedBy))
        {
            position = previous;
            if (position.Stage.Kind == StageKind.NotFollowedBy)
                conditions.Add((TakeCondition(position.Stage), position.Stage));
        }

        return conditions;
    }

    /// <summary>
    /// A copy of <paramref name="sink"/> without the proceed edges into the stop states of the
    /// not-patterns before the current optional stage: taking an event in an optional stage
    /// ends those not-patterns (made only when needed).
    /// </summary>
    private GraphState CopyWithoutTransitiveNots(GraphState sink)
    {
        var nots = CurrentNotConditions();
        if (nots.Count == 0 || !_current.Stage.Quantifier.Optional)
            return sink;
        var copy = CreateState(sink.Stage, sink.Type, sink.Greedy);
        foreach (var edge in sink.Edges)
        {
            if (edge.Action == EdgeAction.Proceed)
            {
                var target = edge.Target;
                if (target.Type == NfaStateType.Stop)
                {
                    if (nots.Any(n => _stageIndex[n.Stage] == target.Stage))
                        continue;
                }
                else
                {
                    target = CopyWithoutTransitiveNots(target);
                }

                copy.Edges.Add(edge with { Source = copy, Target = target });
            }
            else
            {
                copy.Edges.Add(edge with { Source = copy, Target = edge.Target == edge.Source ? copy : edge.Target });
            }
        }

        return copy;
    }

    private void AddStopStates(GraphState state)
    {
        foreach (var (condition, stage) in CurrentNotConditions())
            state.AddProceed(CreateStopState(condition, stage), condition);
    }

    private void AddStopStateToLooping(GraphState looping)
    {
        if (_following is { Stage: { Kind: StageKind.NotFollowedBy } following })
        {
            var notCondition = TakeCondition(following);
            looping.AddProceed(CreateStopState(notCondition, following), notCondition);
        }
    }

    /// <summary>The states of <c>times(from, to)</c> (and the head of a loop): optional copies, mandatory copies, then the first.</summary>
    private GraphState CreateTimesState(GraphState sink, GraphState proceed, int from, int to)
    {
        var stage = _current.Stage;
        var lastSink = sink;
        SetFirstOfLoop(false);
        var until = stage.Until >= 0 ? EdgeCondition.Of(stage.Until) : null;
        var innerIgnore = ExtendWithUntil(InnerIgnoreCondition(stage), until, false);
        var take = ExtendWithUntil(TakeCondition(stage), until, true)!;
        for (var i = from; i < to; i++)
        {
            lastSink = CreateSingletonState(lastSink, proceed, take, innerIgnore, true);
            AddStopStateToLooping(lastSink);
        }

        for (var i = 0; i < from - 1; i++)
        {
            lastSink = CreateSingletonState(lastSink, null, take, innerIgnore, false);
            AddStopStateToLooping(lastSink);
        }

        SetFirstOfLoop(true);
        return CreateSingletonState(lastSink, proceed, take, IgnoreCondition(stage), stage.Quantifier.Optional);
    }

    private void SetFirstOfLoop(bool first)
    {
        if (_current.Stage.Group is not null)
            _firstOfLoop[_current.Stage] = first;
    }

    private bool IsGroupFirstOfLoop() => _currentGroup is null || !_firstOfLoop.TryGetValue(_currentGroup, out var first) || first;

    private bool HeadOfGroup(Position position) => _currentGroup is not null && position.Index == 0;

    private bool IsOptional(PatternStage stage) =>
        HeadOfGroup(_current) && ReferenceEquals(stage, _current.Stage)
            ? IsGroupFirstOfLoop() && _currentGroup!.Quantifier.Optional
            : stage.Quantifier.Optional;

    /// <summary>
    /// One state taking one event. An optional one also gets a twin without the proceed edge,
    /// target of its ignore edge, so each proceed branches off only once.
    /// </summary>
    private GraphState CreateSingletonState(GraphState sink, GraphState? proceed, EdgeCondition take, EdgeCondition? ignore, bool optional)
    {
        var stage = _current.Stage;
        if (stage.Group is not null)
            return CreateGroupPatternState(stage, sink, proceed, optional);

        var greedy = stage.Quantifier.Greedy;
        var singleton = CreateState(stage, takes: true);
        // Taking an event ends the not-patterns before this optional stage.
        var takeSink = CopyWithoutTransitiveNots(sink);
        singleton.AddTake(takeSink, take);

        // The head of a group gets its proceed edge when the whole group is built.
        var proceedCondition = TrueCondition();
        if (optional && !HeadOfGroup(_current))
        {
            if (greedy)
                proceedCondition = GreedyCondition(proceedCondition, take, ignore, _followingTake);
            singleton.AddProceed(proceed!, proceedCondition);
        }

        if (ignore is not null)
        {
            GraphState ignoreState;
            if (optional)
            {
                ignoreState = CreateState(stage, takes: false);
                ignoreState.AddTake(takeSink, take);
                ignoreState.AddIgnore(ignore);
                AddStopStates(ignoreState);
                if (greedy)
                    ignoreState.AddProceed(proceed!, proceedCondition);
            }
            else
            {
                ignoreState = singleton;
            }

            singleton.AddIgnore(ignoreState, ignore);
        }

        _followingTake = FollowingTake(_followingTake, take, optional);
        return singleton;
    }

    private GraphState CreateGroupPatternState(PatternStage group, GraphState sink, GraphState? proceed, bool optional)
    {
        var proceedCondition = TrueCondition();
        return InGroup(group, optional, () =>
        {
            var lastSink = ConvertPattern(CreateMiddleStates(sink));
            if (optional)
                lastSink.AddProceed(proceed!, proceedCondition);
            return lastSink;
        });
    }

    /// <summary>A looping group: its last stage proceeds to <paramref name="sink"/>, and through a dummy state back to its first.</summary>
    private GraphState CreateLoopingGroupPatternState(PatternStage group, GraphState sink)
    {
        var proceedCondition = TrueCondition();
        var dummy = CreateState(group, takes: true);
        return InGroup(group, true, () =>
        {
            var lastSink = ConvertPattern(CreateMiddleStates(dummy));
            lastSink.AddProceed(sink, proceedCondition);
            dummy.AddProceed(lastSink, proceedCondition);
            return lastSink;
        });
    }

    /// <summary>Builds the states of a group's stages with the group as the current one, then restores the outer position.</summary>
    private GraphState InGroup(PatternStage group, bool optional, Func<GraphState> build)
    {
        var (oldCurrent, oldFollowing, oldGroup, oldGroupPosition, oldFollowingTake) = (_current, _following, _currentGroup, _currentGroupPosition, _followingTake);
        _currentGroup = group;
        _currentGroupPosition = _current;
        _current = new Position(group.Group!, group.Group!.Count - 1);
        _followingTake = null;
        var first = build();
        (_current, _following, _currentGroup, _currentGroupPosition) = (oldCurrent, oldFollowing, oldGroup, oldGroupPosition);
        _followingTake = FollowingTake(oldFollowingTake, _followingTake, optional);
        return first;
    }

    /// <summary>A loop: takes events into itself and proceeds to <paramref name="sink"/>; with an ignore twin unless inner contiguity is strict.</summary>
    private GraphState CreateLooping(GraphState sink)
    {
        var stage = _current.Stage;
        if (stage.Group is not null)
            return CreateLoopingGroupPatternState(stage, sink);

        var until = stage.Until >= 0 ? EdgeCondition.Of(stage.Until) : null;
        var ignore = ExtendWithUntil(InnerIgnoreCondition(stage), until, false);
        var take = ExtendWithUntil(TakeCondition(stage), until, true)!;
        var proceedCondition = TrueCondition();
        if (stage.Quantifier.Greedy)
            proceedCondition = GreedyCondition(proceedCondition, take, ignore, _followingTake);
        var looping = CreateState(stage, takes: true);
        looping.AddProceed(sink, proceedCondition);
        looping.AddTake(take);
        AddStopStateToLooping(looping);
        if (ignore is not null)
        {
            var ignoreState = CreateState(stage, takes: false);
            ignoreState.AddTake(looping, take);
            ignoreState.AddIgnore(ignore);
            looping.AddIgnore(ignoreState, ignore);
            if (stage.Quantifier.Greedy)
                ignoreState.AddProceed(sink, proceedCondition);
            AddStopStateToLooping(ignoreState);
        }

        _followingTake = FollowingTake(_followingTake, take, true);
        return looping;
    }

    private static EdgeCondition? ExtendWithUntil(EdgeCondition? condition, EdgeCondition? until, bool isTake)
    {
        if (until is not null && condition is not null)
            return EdgeCondition.And(EdgeCondition.Not(until), condition);
        if (until is not null && isTake)
            return EdgeCondition.Not(until);
        return condition;
    }

    /// <summary>A greedy stage proceeds only when it cannot take the event and the following stage can (or nothing can keep it).</summary>
    private static EdgeCondition GreedyCondition(EdgeCondition condition, EdgeCondition take, EdgeCondition? ignore, EdgeCondition? followingTake)
    {
        var greedy = EdgeCondition.And(condition, EdgeCondition.Not(take));
        if (followingTake is not null)
            greedy = EdgeCondition.And(greedy, followingTake);
        return EdgeCondition.Or(greedy, EdgeCondition.Not(ignore is not null ? EdgeCondition.Or(take, ignore) : take));
    }

    private static EdgeCondition FollowingTake(EdgeCondition? following, EdgeCondition? currentTake, bool optional) =>
        optional && following is not null && currentTake is not null ? EdgeCondition.Or(currentTake, following) : currentTake!;

    private EdgeCondition? InnerIgnoreCondition(PatternStage stage)
    {
        var contiguity = HeadOfGroup(_current) && ReferenceEquals(stage, _current.Stage) ? _currentGroup!.Quantifier.Inner : stage.Quantifier.Inner;
        return WithGroupUntil(IgnoreFor(contiguity, stage));
    }

    private EdgeCondition? IgnoreCondition(PatternStage stage)
    {
        var contiguity = ContiguityOf(_current);
        if (HeadOfGroup(_current) && ReferenceEquals(stage, _current.Stage))
            contiguity = IsGroupFirstOfLoop() ? ContiguityOf(_currentGroupPosition!) : _currentGroup!.Quantifier.Inner;
        return WithGroupUntil(IgnoreFor(contiguity, stage));
    }

    /// <summary>The first stage of a sequence (begin) follows nothing: relaxed, as Flink's <c>begin</c>.</summary>
    private static Contiguity ContiguityOf(Position position) => position.Index == 0 ? Contiguity.Relaxed : position.Stage.Contiguity;

    private static EdgeCondition? IgnoreFor(Contiguity contiguity, PatternStage stage) => contiguity switch
    {
        Contiguity.Strict => null,
        Contiguity.Relaxed => EdgeCondition.Not(EdgeCondition.Of(stage.Condition)),
        _ => EdgeCondition.True,
    };

    private EdgeCondition? WithGroupUntil(EdgeCondition? condition) =>
        _currentGroup is { Until: >= 0 } group ? ExtendWithUntil(condition, EdgeCondition.Of(group.Until), false) : condition;

    private EdgeCondition TakeCondition(PatternStage stage) =>
        _currentGroup is { Until: >= 0 } group
            ? ExtendWithUntil(EdgeCondition.Of(stage.Condition), EdgeCondition.Of(group.Until), true)!
            : EdgeCondition.Of(stage.Condition);

    private EdgeCondition TrueCondition() =>
        _currentGroup is { Until: >= 0 } group ? ExtendWithUntil(EdgeCondition.True, EdgeCondition.Of(group.Until), true)! : EdgeCondition.True;

    /// <summary>A stage in its sequence (the pattern's stages or a group's): Flink's pattern chain read backwards.</summary>
    private sealed record Position(IReadOnlyList<PatternStage> List, int Index)
    {
        public PatternStage Stage => List[Index];

        public Position? Previous => Index > 0 ? this with { Index = Index - 1 } : null;
    }
}
