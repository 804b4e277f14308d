namespace PyStream.Engine.Cep;

/// <summary>
/// How many events a stage takes: exactly one (<see cref="Min"/> = <see cref="Max"/> = 1),
/// <c>times(n)</c>, <c>times(from, to)</c>, or a loop (<see cref="Max"/> null:
/// <c>one_or_more</c>, <c>times_or_more</c>). <see cref="Inner"/> is the contiguity between the
/// stage's own events (<c>consecutive()</c> = strict, <c>allow_combinations()</c> =
/// non-deterministic relaxed, relaxed otherwise).
/// </summary>
public sealed record Quantifier(int Min, int? Max)
{
    public static Quantifier One { get; } = new(1, 1);

    public bool Optional { get; init; }

    public bool Greedy { get; init; }

    public Contiguity Inner { get; init; } = Contiguity.Relaxed;

    /// <summary>
    /// Whether <c>times</c>, <c>one_or_more</c> or <c>times_or_more</c> gave the stage its count (Flink's
    /// <c>Pattern.getTimes()</c> is set), even <c>times(1)</c>. Such a stage's PREVIOUS_AND_CURRENT window is the one
    /// given with the count (<see cref="WithinMillis"/>), never the stage's own <c>within</c>.
    /// </summary>
    public bool Counted { get; init; }

    /// <summary>
    /// The window given with the count (<c>times(n, window)</c>, <c>one_or_more(window)</c>,
    /// <c>times_or_more(n, window)</c>) in milliseconds: the most time between an event of the stage and the one
    /// before it, on every state of the stage but the one compiled first (as Flink's compiler); null without one.
    /// </summary>
    public long? WithinMillis { get; init; }

    public bool IsLooping => Max is null || Max > 1;
}
