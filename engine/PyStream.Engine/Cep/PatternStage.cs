namespace PyStream.Engine.Cep;

/// <summary>
/// One named stage of a pattern, in order (Flink's <c>Pattern</c> chain read from its first stage):
/// <see cref="Contiguity"/> says how its first event follows the previous stage's events
/// (ignored on the first stage). <see cref="Condition"/> and <see cref="Until"/> index the
/// pattern's conditions (<see cref="ICepConditions{TEvent}"/>); -1 means "always true" / "no
/// until". A group stage (<c>begin(Pattern...)</c>, <c>next(Pattern...)</c>) has
/// <see cref="Group"/> set and no condition of its own; its quantifier repeats the whole group.
/// </summary>
public sealed record PatternStage(string Name, StageKind Kind, Contiguity Contiguity, int Condition, Quantifier Quantifier)
{
    public int Until { get; init; } = -1;

    /// <summary>The stages of a group pattern, in order; null for a plain stage.</summary>
    public IReadOnlyList<PatternStage>? Group { get; init; }

    /// <summary><c>within</c> set on this stage, in milliseconds, of the pattern's <see cref="PatternDefinition.WithinType"/>; the pattern's own applies when null.</summary>
    public long? WithinMillis { get; init; }

    /// <summary>
    /// <c>within(..., PREVIOUS_AND_CURRENT)</c> set on this stage in milliseconds, whatever the pattern's
    /// <see cref="PatternDefinition.WithinType"/>: a stage may carry both kinds, as in Flink, where a pattern's
    /// FIRST_AND_LAST window and its stages' PREVIOUS_AND_CURRENT windows apply together.
    /// </summary>
    public long? PreviousWithinMillis { get; init; }
}
