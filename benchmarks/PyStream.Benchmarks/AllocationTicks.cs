using System.Diagnostics.Tracing;

namespace PyStream.Benchmarks;

/// <summary>
/// The runtime's allocation ticks (one per ~100 KB allocated, naming the type that crossed it),
/// summed by type: where a query's garbage comes from, without a profiler. On when the environment
/// sets BENCH_ALLOCATIONS=1.
/// </summary>
internal sealed class AllocationTicks : RuntimeEventTally
{
    public static AllocationTicks? StartIfAsked() =>
        Environment.GetEnvironmentVariable("BENCH_ALLOCATIONS") == "1" ? new AllocationTicks() : null;

    protected override EventKeywords Keywords => (EventKeywords)0x1;

    protected override string EventPrefix => "GCAllocationTick";

    protected override (string Name, long Amount) Read(EventWrittenEventArgs e) =>
        (e.Payload![e.PayloadNames!.IndexOf("TypeName")] as string ?? "?",
            Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Prints the types with the most bytes since the last call, and starts counting again.</summary>
    public void PrintAndReset(string title)
    {
        var (total, largest) = TakeTally(15);
        Console.WriteLine($"    allocation ticks, {title}: {total / 1e6:F0} MB");
        foreach (var (type, bytes) in largest)
            Console.WriteLine($"      {bytes * 100.0 / total,5:F1}%  {type}");
    }
}
