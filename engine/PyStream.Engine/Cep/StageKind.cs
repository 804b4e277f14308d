namespace PyStream.Engine.Cep;

/// <summary>Whether a stage takes events or forbids them.</summary>
public enum StageKind
{
    /// <summary>Takes events that meet its condition.</summary>
    Take,

    /// <summary><c>not_next</c>: the next event must not meet the condition.</summary>
    NotNext,

    /// <summary><c>not_followed_by</c>: no event before the next stage's may meet the condition.</summary>
    NotFollowedBy,
}
