using System.Diagnostics.Tracing;

namespace PyStream.Benchmarks;

/// <summary>
/// Sums an amount per name over the runtime's events of one kind (its <c>Microsoft-Windows-DotNETRuntime</c>
/// source, at <see cref="Keywords"/>, events named from <see cref="EventPrefix"/>): the benchmarks' profiles
/// without a profiler.
/// </summary>
internal abstract class RuntimeEventTally : EventListener
{
    private readonly Dictionary<string, long> _tally = [];

    /// <summary>The runtime's keywords to enable (constants: read while the base listener is constructed).</summary>
    protected abstract EventKeywords Keywords { get; }

    protected abstract string EventPrefix { get; }

    /// <summary>The name an event counts under and the amount it adds.</summary>
    protected abstract (string Name, long Amount) Read(EventWrittenEventArgs e);

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, Keywords);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith(EventPrefix, StringComparison.Ordinal) || e.Payload is null)
            return;
        var (name, amount) = Read(e);
        lock (_tally)
            _tally[name] = _tally.GetValueOrDefault(name) + amount;
    }

    /// <summary>Each name's amount, largest first, and the total; then the tally starts again.</summary>
    protected (long Total, List<KeyValuePair<string, long>> Largest) TakeTally(int count)
    {
        lock (_tally)
        {
            var result = (_tally.Values.Sum(), _tally.OrderByDescending(p => p.Value).Take(count).ToList());
            _tally.Clear();
            return result;
        }
    }
}
