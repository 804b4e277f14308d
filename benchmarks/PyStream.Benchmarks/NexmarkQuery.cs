using PyStream.Sql.Connectors.Nexmark;

namespace PyStream.Benchmarks;

/// <summary>
/// A benchmark query: its SQL (a SELECT over Flink Nexmark's <c>bid</c> view), the blackhole table's
/// columns it is inserted into, and its hand loop (checksum, and a count to check).
/// </summary>
internal sealed record NexmarkQuery(string Name, string Text, string SinkColumns, Func<NexmarkConfig, (long Checksum, long Result)> HandLoop)
{
    /// <summary>The goal for the query, as printed.</summary>
    public string Goal { get; init; } = "goal >= 0.2x";
}
