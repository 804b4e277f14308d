namespace PyStream.Engine.Cep;

/// <summary>How a pattern stage's events may follow the events before them (Flink's consuming strategies).</summary>
public enum Contiguity
{
    /// <summary><c>next</c> / <c>consecutive()</c>: the very next event, nothing in between.</summary>
    Strict,

    /// <summary><c>followed_by</c> (the default inside loops): skip non-matching events, take the first match.</summary>
    Relaxed,

    /// <summary><c>followed_by_any</c> / <c>allow_combinations()</c>: every later match starts its own branch.</summary>
    NonDeterministicRelaxed,
}
