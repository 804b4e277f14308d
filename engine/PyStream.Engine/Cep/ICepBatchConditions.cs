namespace PyStream.Engine.Cep;

/// <summary>
/// Optional for an <see cref="ICepConditions{TEvent}"/> whose calls are costly (Python): the
/// NFA then asks for every iterative condition one step may read, for all partial matches
/// of the key, in one call before the step. That may evaluate a condition Flink would have
/// short-circuited away (behind a false operand); without this interface conditions are
/// evaluated one by one, exactly where Flink evaluates them.
/// </summary>
public interface ICepBatchConditions<TEvent>
{
    /// <summary>Sets <paramref name="results"/>[i] to whether <paramref name="tests"/>[i] holds.</summary>
    void TestIterative(IReadOnlyList<IterativeTest<TEvent>> tests, Span<bool> results);
}

/// <summary>One iterative condition to evaluate: condition number, event, and the partial match it would extend.</summary>
public readonly record struct IterativeTest<TEvent>(int Condition, TEvent Event, IConditionContext<TEvent> Context);
