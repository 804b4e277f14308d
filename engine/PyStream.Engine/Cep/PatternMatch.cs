namespace PyStream.Engine.Cep;

/// <summary>
/// A match (or a timed-out partial match): the events each stage took, stages in the order
/// of their first event, events in order. Held as one array of events stage by stage and the
/// end of each stage's run, so a match costs three objects however many stages it has; the
/// list views (<see cref="Stages"/>, <see cref="Events"/>) are made only when asked for.
/// </summary>
public sealed class PatternMatch<TEvent>
{
    private readonly IReadOnlyList<string> _stageNames;
    private readonly TEvent[] _events;

    /// <summary>Per stage slot: the stage's number in <see cref="_stageNames"/>, then the end of its events in <see cref="_events"/>.</summary>
    private readonly int[] _layout;

    private IReadOnlyList<string>? _stages;
    private IReadOnlyList<IReadOnlyList<TEvent>>? _byStage;

    public PatternMatch(IReadOnlyList<string> stages, IReadOnlyList<IReadOnlyList<TEvent>> events)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(events);
        _stageNames = _stages = stages;
        _byStage = events;
        _events = [.. events.SelectMany(e => e)];
        _layout = new int[2 * stages.Count];
        var end = 0;
        for (var i = 0; i < stages.Count; i++)
            (_layout[2 * i], _layout[(2 * i) + 1]) = (i, end += events[i].Count);
    }

    /// <summary>A match over <paramref name="events"/> (stage by stage) laid out by <paramref name="layout"/> (stage number, end; per stage).</summary>
    internal PatternMatch(IReadOnlyList<string> stageNames, TEvent[] events, int[] layout)
    {
        _stageNames = stageNames;
        _events = events;
        _layout = layout;
    }

    /// <summary>The names <see cref="Layout"/>'s stage numbers refer to.</summary>
    internal IReadOnlyList<string> StageNames => _stageNames;

    /// <summary>Per stage slot: the stage's number in <see cref="StageNames"/>, then the end of its events in <see cref="EventArray"/>; read only.</summary>
    internal int[] Layout => _layout;

    /// <summary>Every event of the match, stage by stage; read only.</summary>
    internal TEvent[] EventArray => _events;

    /// <summary>How many stages took events.</summary>
    public int StageCount => _layout.Length / 2;

    /// <summary>The name of the <paramref name="slot"/>-th stage that took events.</summary>
    public string StageName(int slot) => _stageNames[_layout[2 * slot]];

    /// <summary>The events of the <paramref name="slot"/>-th stage, in order.</summary>
    public ReadOnlySpan<TEvent> EventsOf(int slot)
    {
        var start = slot == 0 ? 0 : _layout[(2 * slot) - 1];
        return _events.AsSpan(start, _layout[(2 * slot) + 1] - start);
    }

    /// <summary>The events stage <paramref name="stage"/> took; empty when it took none.</summary>
    public ReadOnlySpan<TEvent> EventsOf(string stage)
    {
        for (var slot = 0; slot < StageCount; slot++)
        {
            if (StageName(slot) == stage)
                return EventsOf(slot);
        }

        return [];
    }

    /// <summary>Every event of the match, stage by stage (stages in the order of their first event).</summary>
    public ReadOnlySpan<TEvent> AllEvents => _events;

    /// <summary>The stages that took events, in the order of their first event.</summary>
    public IReadOnlyList<string> Stages => _stages ??= [.. Enumerable.Range(0, StageCount).Select(StageName)];

    /// <summary>The events of <see cref="Stages"/>[i], in order.</summary>
    public IReadOnlyList<IReadOnlyList<TEvent>> Events => _byStage ??= [.. Enumerable.Range(0, StageCount).Select(slot => (IReadOnlyList<TEvent>)EventsOf(slot).ToArray())];

    /// <summary>The events stage <paramref name="stage"/> took (a list of <see cref="Events"/>); empty when it took none.</summary>
    public IReadOnlyList<TEvent> this[string stage]
    {
        get
        {
            for (var slot = 0; slot < StageCount; slot++)
            {
                if (StageName(slot) == stage)
                    return Events[slot];
            }

            return [];
        }
    }

    /// <summary>Every event of the match in order, with its stage.</summary>
    public IEnumerable<(string Stage, TEvent Event)> All => Stages.SelectMany((s, i) => Events[i].Select(e => (s, e)));

    public override string ToString() => string.Join(" ", Stages.Select((s, i) => $"{s}:[{string.Join(",", Events[i])}]"));
}
