namespace PyStream.Engine.Cep;

/// <summary>
/// A whole pattern in the engine's terms, built where a job enters the engine: from the Python
/// CEP API's description or from a <c>MATCH_RECOGNIZE</c> clause. The NFA compiler turns it into
/// states; <see cref="ICepConditions{TEvent}"/> evaluates the numbered conditions.
/// </summary>
public sealed record PatternDefinition(IReadOnlyList<PatternStage> Stages, AfterMatchSkip Skip)
{
    /// <summary><c>within</c> of the whole pattern in milliseconds; null without one.</summary>
    public long? WithinMillis { get; init; }

    public WithinType WithinType { get; init; } = WithinType.FirstAndLast;
}
