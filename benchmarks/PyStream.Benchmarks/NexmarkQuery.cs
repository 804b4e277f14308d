using PyStream.Sql.Connectors.Nexmark;

namespace PyStream.Benchmarks;

/// <summary>A benchmark query: its SQL text, its hand loop (checksum, and a count to check), and later its SQL run.</summary>
internal sealed record NexmarkQuery(string Name, string Text, Func<NexmarkConfig, (long Checksum, long Result)> HandLoop)
{
    /// <summary>The same query through the SQL engine, returning the checksum of its output rows (<see cref="RowHash"/>).</summary>
    public Func<NexmarkConfig, long>? Sql { get; init; }
}
