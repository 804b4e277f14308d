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

    public bool IsLooping => Max is null || Max > 1;
}
