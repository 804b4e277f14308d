using System.Diagnostics.Metrics;

namespace PyStream.Engine.Telemetry;

/// <summary>
/// What this process's subtasks measure on the <c>PyStream.Runtime</c> meter (records in and out, idle,
/// backpressured and Python time, watermarks, user metrics), kept per series until <see cref="Take"/>
/// hands a job's changes on: a cluster worker sends them to the coordinator, which replays them on its own
/// instruments (<see cref="MeasurementReplay"/>). Only a subtask's series (tagged with <c>job_id</c>,
/// <c>vertex</c> and <c>subtask</c>) are kept; checkpoint and state-size figures are the coordinator's own.
/// </summary>
public sealed class TaskMeasurements : IDisposable
{
    /// <summary>A histogram's values one take carries at most; beyond, only their number (bounds a report's size).</summary>
    public const int MaxSamplesPerTake = 10_000;

    private static readonly HashSet<string> TaskInstruments =
        ["pystream.records.in", "pystream.records.out", "pystream.task.idle.time", "pystream.task.backpressured.time", "pystream.python.time", "pystream.watermark"];

    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Lock _taking = new();
    private readonly Dictionary<(Instrument Instrument, int Hash), List<Series>> _series = [];
    private uint _lastId;
    private long _round;

    public TaskMeasurements()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EngineTelemetry.MeterName
                && (TaskInstruments.Contains(instrument.Name) || instrument.Name.StartsWith(UserMetrics.Prefix, StringComparison.Ordinal)))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The job's series that changed since its previous take (gauges observed now), and its observed gauges gone since.</summary>
    public MeasurementTake Take(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        lock (_taking)
        {
            var round = Interlocked.Increment(ref _round);
            _listener.RecordObservableInstruments();
            var changes = new List<SeriesChange>();
            var gone = new List<MeasuredSeries>();
            lock (_lock)
            {
                foreach (var list in _series.Values)
                {
                    for (var i = list.Count - 1; i >= 0; i--)
                    {
                        var series = list[i];
                        if (series.JobId != jobId)
                            continue;
                        if (series.Definition.Kind == MeasurementKind.ObservedGauge && series.ObservedRound != round)
                        {
                            list.RemoveAt(i);
                            if (series.Announced)
                                gone.Add(series.Definition);
                            continue;
                        }

                        if (series.TakeChange() is { } change)
                            changes.Add(change);
                    }
                }

                RemoveEmptyLists();
            }

            return new MeasurementTake(changes, gone);
        }
    }

    /// <summary>The job no longer runs here: its series go (a later run of it starts new ones).</summary>
    public void Forget(string jobId)
    {
        lock (_lock)
        {
            foreach (var list in _series.Values)
                list.RemoveAll(s => s.JobId == jobId);
            RemoveEmptyLists();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void RemoveEmptyLists()
    {
        foreach (var key in _series.Where(s => s.Value.Count == 0).Select(s => s.Key).ToList())
            _series.Remove(key);
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        string? jobId = null;
        var subtaskTags = 0;
        var hash = new HashCode();
        foreach (var tag in tags)
        {
            hash.Add(tag.Key);
            hash.Add(tag.Value);
            switch (tag.Key)
            {
                case "job_id":
                    jobId = tag.Value as string;
                    break;
                case "vertex" or "subtask":
                    subtaskTags++;
                    break;
            }
        }

        if (jobId is null || subtaskTags != 2)
            return;
        var number = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
        lock (_lock)
            Find(instrument, hash.ToHashCode(), jobId, tags).Add(number, _round);
    }

    private Series Find(Instrument instrument, int hash, string jobId, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!_series.TryGetValue((instrument, hash), out var list))
            _series[(instrument, hash)] = list = [];
        foreach (var candidate in list)
        {
            if (candidate.Matches(tags))
                return candidate;
        }

        var series = new Series(new MeasuredSeries(++_lastId, instrument.Name, KindOf(instrument), tags.ToArray()), jobId);
        list.Add(series);
        return series;
    }

    private static MeasurementKind KindOf(Instrument instrument) => instrument switch
    {
        UpDownCounter<long> or UpDownCounter<double> => MeasurementKind.UpDownCounter,
        Gauge<double> or Gauge<long> => MeasurementKind.Gauge,
        Histogram<double> or Histogram<long> => MeasurementKind.Histogram,
        ObservableGauge<long> or ObservableGauge<double> => MeasurementKind.ObservedGauge,
        _ => MeasurementKind.Counter,
    };

    /// <summary>One series' measurements since the previous take; guarded by the owner's lock.</summary>
    private sealed class Series(MeasuredSeries definition, string jobId)
    {
        private double _value;
        private bool _changed;
        private List<double>? _samples;
        private long _dropped;

        public MeasuredSeries Definition { get; } = definition;

        public string JobId { get; } = jobId;

        /// <summary>The take whose observation last saw it (observed gauges).</summary>
        public long ObservedRound { get; private set; }

        /// <summary>A take carried it, so the receiver knows it.</summary>
        public bool Announced { get; private set; }

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var own = Definition.Tags;
            if (own.Count != tags.Length)
                return false;
            for (var i = 0; i < tags.Length; i++)
            {
                if (own[i].Key != tags[i].Key || !Equals(own[i].Value, tags[i].Value))
                    return false;
            }

            return true;
        }

        public void Add(double number, long round)
        {
            switch (Definition.Kind)
            {
                case MeasurementKind.Counter or MeasurementKind.UpDownCounter:
                    _value += number;
                    _changed |= number != 0;
                    break;
                case MeasurementKind.Histogram:
                    _samples ??= [];
                    if (_samples.Count < MaxSamplesPerTake)
                        _samples.Add(number);
                    else
                        _dropped++;
                    _changed = true;
                    break;
                case MeasurementKind.ObservedGauge:
                    // Observed during a take (its round is the current one): changed only when it moved.
                    ObservedRound = round;
                    _changed |= number != _value || !Announced;
                    _value = number;
                    break;
                default:
                    _changed = true;
                    _value = number;
                    break;
            }
        }

        public SeriesChange? TakeChange()
        {
            if (!_changed)
                return null;
            var change = new SeriesChange(Definition, _value, _samples ?? (IReadOnlyList<double>)[], _dropped);
            _changed = false;
            _samples = null;
            _dropped = 0;
            Announced = true;
            if (Definition.Kind is MeasurementKind.Counter or MeasurementKind.UpDownCounter)
                _value = 0;
            return change;
        }
    }
}
