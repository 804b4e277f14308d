namespace PyStream.Engine.Cep;

/// <summary>
/// The conditions of one pattern, numbered as its stages refer to them (at most 64). A simple
/// condition depends on the event alone, so it is evaluated once per event when the event
/// arrives, for a whole batch at once, and its result waits with the event in the event-time
/// buffer; an iterative one also reads the partial match, so it is evaluated when the NFA
/// takes the event. SQL conditions are compiled C#; Python conditions go through the bridge
/// in batches.
/// </summary>
public interface ICepConditions<TEvent>
{
    int Count { get; }

    bool IsIterative(int condition);

    /// <summary>Bit c of <paramref name="results"/>[i]: whether <paramref name="events"/>[i] meets simple condition c.</summary>
    void TestSimple(ReadOnlySpan<TEvent> events, Span<ulong> results);

    /// <summary>Whether <paramref name="ev"/> meets iterative condition <paramref name="condition"/> given the partial match.</summary>
    bool TestIterative(int condition, TEvent ev, IConditionContext<TEvent> context);
}

/// <summary>What an iterative condition may read: the events the partial match took so far.</summary>
public interface IConditionContext<TEvent>
{
    /// <summary>Events taken for stage <paramref name="stage"/>, in order.</summary>
    IReadOnlyList<TEvent> EventsForPattern(string stage);

    long Timestamp { get; }
}
