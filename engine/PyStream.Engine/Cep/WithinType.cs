namespace PyStream.Engine.Cep;

/// <summary>What <c>within</c> measures (Flink's <c>WithinType</c>).</summary>
public enum WithinType
{
    /// <summary>From a partial match's first event to its last.</summary>
    FirstAndLast,

    /// <summary>Between each event and the one before it.</summary>
    PreviousAndCurrent,
}
