using System.Diagnostics.Tracing;

namespace PyStream.Benchmarks;

/// <summary>
/// The runtime's allocation ticks (one per ~100 KB allocated, naming the type that crossed it),
/// summed by type: where a query's garbage comes from, without a profiler. On when the environment
/// sets BENCH_ALLOCATIONS=1.
/// </summary>
internal sealed class AllocationTicks : EventListener
{
    private const int GcKeyword = 0x1;
    private readonly Dictionary<string, long> _bytesByType = [];

    public static AllocationTicks? StartIfAsked() =>
        Environment.GetEnvironmentVariable("BENCH_ALLOCATIONS") == "1" ? new AllocationTicks() : null;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
            return;
        var type = e.Payload[e.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
        lock (_bytesByType)
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
    }

    /// <summary>Prints the types with the most bytes since the last call, and starts counting again.</summary>
    public void PrintAndReset(string title)
    {
        lock (_bytesByType)
        {
            var total = _bytesByType.Values.Sum();
            Console.WriteLine($"    allocation ticks, {title}: {total / 1e6:F0} MB");
            foreach (var (type, bytes) in _bytesByType.OrderByDescending(p => p.Value).Take(15))
                Console.WriteLine($"      {bytes * 100.0 / total,5:F1}%  {type}");
            _bytesByType.Clear();
        }
    }
}
