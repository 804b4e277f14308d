using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;

namespace PyStream.Engine.Telemetry;

/// <summary>
/// The metrics users' functions register with <c>get_metrics_group()</c> in one subtask, as
/// instruments on the engine's <c>PyStream.Runtime</c> Meter. Flink's scope (job, task,
/// subtask, operator, the user's groups) becomes an instrument name and tags:
/// <c>pystream.user.&lt;groups&gt;.&lt;name&gt;</c>, where a group is its name and a key/value
/// group its key, tagged with the task's tags, <c>operator</c> and each key/value group's
/// <c>key=value</c>. Counters are up-down counters (they may go down), meters counters of
/// events, gauges gauges and distributions histograms. Python reports changes once per batch
/// (<see cref="Report"/>), on the task's thread.
/// </summary>
public sealed class UserMetrics(TagList taskTags)
{
    public const string Prefix = "pystream.user.";

    /// <summary>The tags every subtask metric has; a user's key/value group of the same name cannot replace them.</summary>
    private static readonly HashSet<string> TaskTagNames = ["job", "job_id", "vertex", "task", "subtask", "operator"];

    private static readonly ConcurrentDictionary<(UserMetricKind Kind, string Name), Instrument> Instruments = new();

    private readonly List<Registered> _metrics = [];

    /// <summary>Registers a metric; returns the id <see cref="Report"/> names it by.</summary>
    /// <param name="scope">The user's groups from the root: (name, null) or (key, value).</param>
    public int Register(UserMetricKind kind, string operatorName, IReadOnlyList<(string Name, string? Value)> scope, string name)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var tags = taskTags;
        tags.Add("operator", operatorName);
        var instrumentName = new StringBuilder(Prefix);
        foreach (var (group, value) in scope)
        {
            var tag = NamePart(group);
            instrumentName.Append(tag).Append('.');
            if (value is not null && !TaskTagNames.Contains(tag))
                tags.Add(tag, value);
        }

        instrumentName.Append(NamePart(name));
        var instrument = InstrumentFor(kind, instrumentName.ToString());
        _metrics.Add(new Registered(instrument, tags));
        return _metrics.Count - 1;
    }

    /// <summary>
    /// New values by metric id: a counter's or meter's count so far, a gauge's value, each value a
    /// distribution saw (a distribution's id may repeat).
    /// </summary>
    public void Report(ReadOnlySpan<long> ids, ReadOnlySpan<double> values)
    {
        if (ids.Length != values.Length)
            throw new ArgumentException($"{ids.Length} metric ids for {values.Length} values", nameof(values));
        for (var i = 0; i < ids.Length; i++)
        {
            if ((ulong)ids[i] >= (ulong)_metrics.Count)
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i], "no user metric has this id");
            var metric = _metrics[(int)ids[i]];
            var value = values[i];
            switch (metric.Instrument)
            {
                case UpDownCounter<long> counter:
                    counter.Add((long)value - metric.Last, metric.Tags);
                    metric.Last = (long)value;
                    break;
                case Counter<long> meter:
                    meter.Add((long)value - metric.Last, metric.Tags);
                    metric.Last = (long)value;
                    break;
                case Gauge<double> gauge:
                    gauge.Record(value, metric.Tags);
                    break;
                case Histogram<double> histogram:
                    histogram.Record(value, metric.Tags);
                    break;
            }
        }
    }

    /// <summary>The one instrument of a user metric's kind and name in this process (a worker's, replayed here, too).</summary>
    internal static Instrument InstrumentFor(UserMetricKind kind, string name) => Instruments.GetOrAdd((kind, name), key => Create(key.Kind, key.Name));

    public static UserMetricKind KindOf(string kind) => kind switch
    {
        "counter" => UserMetricKind.Counter,
        "meter" => UserMetricKind.Meter,
        "gauge" => UserMetricKind.Gauge,
        "distribution" => UserMetricKind.Distribution,
        _ => throw new ArgumentException($"unknown metric kind '{kind}'", nameof(kind)),
    };

    private static Instrument Create(UserMetricKind kind, string name) => kind switch
    {
        UserMetricKind.Counter => EngineTelemetry.Meter.CreateUpDownCounter<long>(name, null, "A user's counter (get_metrics_group)"),
        UserMetricKind.Meter => EngineTelemetry.Meter.CreateCounter<long>(name, "{event}", "A user's meter: events marked (get_metrics_group)"),
        UserMetricKind.Gauge => EngineTelemetry.Meter.CreateGauge<double>(name, null, "A user's gauge, read at the end of each batch (get_metrics_group)"),
        _ => EngineTelemetry.Meter.CreateHistogram<double>(name, null, "A user's distribution (get_metrics_group)"),
    };

    /// <summary>
    /// A part of an instrument name, and a key/value group's tag name: letters, digits and '_'
    /// (others become '_'), not starting with a digit, so Prometheus accepts it as a label too.
    /// </summary>
    public static string NamePart(string key)
    {
        var text = new StringBuilder(key.Length + 1);
        if (key.Length == 0 || char.IsAsciiDigit(key[0]))
            text.Append('_');
        foreach (var c in key)
            text.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        return text.ToString();
    }

    private sealed class Registered(Instrument instrument, TagList tags)
    {
        public Instrument Instrument { get; } = instrument;

        public TagList Tags { get; } = tags;

        public long Last { get; set; }
    }
}
