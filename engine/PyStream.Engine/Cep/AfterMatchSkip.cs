namespace PyStream.Engine.Cep;

/// <summary>Which partial matches a completed match discards (Flink's <c>AfterMatchSkipStrategy</c>).</summary>
public enum AfterMatchSkipKind
{
    NoSkip,
    SkipToNext,
    SkipPastLastEvent,
    SkipToFirst,
    SkipToLast,
}

/// <summary>A skip strategy; <see cref="Stage"/> names the stage for <c>skip_to_first</c>/<c>skip_to_last</c>.</summary>
public sealed record AfterMatchSkip(AfterMatchSkipKind Kind, string? Stage = null)
{
    public static AfterMatchSkip NoSkip { get; } = new(AfterMatchSkipKind.NoSkip);
}
