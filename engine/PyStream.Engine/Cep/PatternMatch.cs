namespace PyStream.Engine.Cep;

/// <summary>
/// A match (or a timed-out partial match): the events each stage took, stages in the order
/// of their first event, events in order.
/// </summary>
public sealed class PatternMatch<TEvent>
{
    private static readonly IReadOnlyList<TEvent> None = [];

    public PatternMatch(IReadOnlyList<string> stages, IReadOnlyList<IReadOnlyList<TEvent>> events)
    {
        Stages = stages;
        Events = events;
    }

    /// <summary>The stages that took events, in the order of their first event.</summary>
    public IReadOnlyList<string> Stages { get; }

    /// <summary>The events of <see cref="Stages"/>[i], in order.</summary>
    public IReadOnlyList<IReadOnlyList<TEvent>> Events { get; }

    /// <summary>The events stage <paramref name="stage"/> took; empty when it took none.</summary>
    public IReadOnlyList<TEvent> this[string stage]
    {
        get
        {
            for (var i = 0; i < Stages.Count; i++)
            {
                if (Stages[i] == stage)
                    return Events[i];
            }

            return None;
        }
    }

    /// <summary>Every event of the match in order, with its stage.</summary>
    public IEnumerable<(string Stage, TEvent Event)> All => Stages.SelectMany((s, i) => Events[i].Select(e => (s, e)));

    public override string ToString() => string.Join(" ", Stages.Select((s, i) => $"{s}:[{string.Join(",", Events[i])}]"));
}
