using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PyStream.Engine.Telemetry;

namespace PyStream.Gateway.Monitoring;

/// <summary>
/// The engine's per-subtask instruments, per subtask and summed per vertex as the Web UI shows
/// them. It listens to the <c>PyStream.Runtime</c> meter like any exporter, and once a second
/// (<see cref="Sample"/>) turns the time counters into busy, idle and backpressured shares of
/// the last <see cref="WindowSamples"/> seconds, so one slow batch does not swing them between 0 and 100%.
/// </summary>
public sealed class TaskMetrics : IDisposable
{
    /// <summary>The samples (seconds) the time shares are averaged over.</summary>
    public const int WindowSamples = 5;

    private static readonly HashSet<string> Instruments =
        ["pystream.records.in", "pystream.records.out", "pystream.task.idle.time", "pystream.task.backpressured.time", "pystream.watermark", "pystream.state.size"];

    private readonly ConcurrentDictionary<(string Job, int Vertex, int Subtask), SubtaskCounters> _subtasks = new();
    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;
    private readonly ITimer? _sampler;

    public TaskMetrics(TimeProvider time, bool sampleEverySecond = true)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EngineTelemetry.MeterName
                && (Instruments.Contains(instrument.Name) || instrument.Name.StartsWith(UserMetrics.Prefix, StringComparison.Ordinal)))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
        if (sampleEverySecond)
            _sampler = time.CreateTimer(_ => Sample(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Takes the watermarks and closes the current second of every subtask's time shares.</summary>
    public void Sample()
    {
        _listener.RecordObservableInstruments();
        var now = _time.GetTimestamp();
        foreach (var counters in _subtasks.Values)
            counters.Sample(now, _time);
    }

    /// <summary>Each subtask of a vertex, by index; null for one that has not reported yet.</summary>
    public IReadOnlyList<SubtaskMetrics?> Subtasks(string jobId, int vertex, int parallelism) =>
        Enumerable.Range(0, parallelism)
            .Select(s => _subtasks.TryGetValue((jobId, vertex, s), out var c)
                ? new SubtaskMetrics(s, c.RecordsIn, c.RecordsOut, c.BusyRatio, c.IdleRatio, c.BackpressuredRatio, c.Watermark, c.StateSize)
                : null)
            .ToList();

    /// <summary>One vertex (operator chain) of a job, over its subtasks; null before any of them reported.</summary>
    public VertexMetrics? Vertex(string jobId, int vertex, int parallelism)
    {
        var subtasks = Enumerable.Range(0, parallelism)
            .Select(s => _subtasks.TryGetValue((jobId, vertex, s), out var c) ? c : null)
            .Where(c => c is not null).Select(c => c!).ToList();
        if (subtasks.Count == 0)
            return null;
        var watermarks = subtasks.Select(s => s.Watermark).ToList();
        var user = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var subtask in subtasks)
        {
            foreach (var (id, value) in subtask.User)
                value.AddTo(user, id);
        }

        return new VertexMetrics(
            subtasks.Sum(s => s.RecordsIn),
            subtasks.Sum(s => s.RecordsOut),
            subtasks.Sum(s => s.BusyRatio) / parallelism,
            subtasks.Sum(s => s.IdleRatio) / parallelism,
            subtasks.Sum(s => s.BackpressuredRatio) / parallelism,
            subtasks.Count == parallelism && watermarks.All(w => w is not null) ? watermarks.Min() : null,
            user);
    }

    /// <summary>The job is gone from the gateway: so are its numbers.</summary>
    public void Forget(string jobId)
    {
        foreach (var key in _subtasks.Keys.Where(k => k.Job == jobId))
            _subtasks.TryRemove(key, out _);
    }

    public void Dispose()
    {
        _sampler?.Dispose();
        _listener.Dispose();
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        string? job = null, operatorName = null;
        int? vertex = null, subtask = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "job_id":
                    job = tag.Value as string;
                    break;
                case "vertex":
                    vertex = tag.Value as int?;
                    break;
                case "subtask":
                    subtask = tag.Value as int?;
                    break;
                case "operator":
                    operatorName = tag.Value as string;
                    break;
            }
        }

        if (job is null || vertex is null || subtask is null)
            return;
        var counters = _subtasks.GetOrAdd((job, vertex.Value, subtask.Value), _ => new SubtaskCounters(_time.GetTimestamp()));
        var number = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
        if (instrument.Name.StartsWith(UserMetrics.Prefix, StringComparison.Ordinal))
        {
            var id = UserMetricId(instrument.Name, subtask.Value, operatorName ?? "", tags);
            counters.User.GetOrAdd(id, _ => new UserValue()).Add(instrument, number);
            return;
        }

        switch (instrument.Name)
        {
            case "pystream.records.in":
                Interlocked.Add(ref counters.RecordsIn, (long)number);
                break;
            case "pystream.records.out":
                Interlocked.Add(ref counters.RecordsOut, (long)number);
                break;
            case "pystream.task.idle.time":
                counters.AddIdle(number);
                break;
            case "pystream.task.backpressured.time":
                counters.AddBackpressured(number);
                break;
            case "pystream.watermark":
                counters.Watermark = (long)number;
                break;
            case "pystream.state.size":
                counters.StateSize = (long)number;
                break;
        }
    }

    /// <summary>
    /// Flink's id of a user metric in a vertex: <c>subtask.operator.groups.name</c>, a key/value
    /// group as <c>key.value</c> (its value is the tag named as the key).
    /// </summary>
    private static string UserMetricId(string instrument, int subtask, string operatorName, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = instrument[UserMetrics.Prefix.Length..].Split('.');
        var id = new System.Text.StringBuilder().Append(subtask).Append('.').Append(operatorName);
        for (var i = 0; i < parts.Length; i++)
        {
            id.Append('.').Append(parts[i]);
            if (i == parts.Length - 1)
                break;
            foreach (var tag in tags)
            {
                if (tag.Key == parts[i] && tag.Value is string groupValue)
                {
                    id.Append('.').Append(groupValue);
                    break;
                }
            }
        }

        return id.ToString();
    }

    /// <summary>A user metric's value in one subtask: a count, a gauge's last value, or a distribution's summary.</summary>
    private sealed class UserValue
    {
        private readonly object _lock = new();
        private double _value;
        private long _count;
        private double _min = double.PositiveInfinity, _max = double.NegativeInfinity;
        private bool _distribution;

        public void Add(Instrument instrument, double number)
        {
            lock (_lock)
            {
                switch (instrument)
                {
                    case Gauge<double>:
                        _value = number;
                        break;
                    case Histogram<double>:
                        _distribution = true;
                        _value += number;
                        _count++;
                        _min = Math.Min(_min, number);
                        _max = Math.Max(_max, number);
                        break;
                    default: // counters and meters report what they added
                        _value += number;
                        break;
                }
            }
        }

        /// <summary>Adds this metric to a vertex's list; a distribution as its count, sum, min and max.</summary>
        public void AddTo(IDictionary<string, double> metrics, string id)
        {
            lock (_lock)
            {
                if (!_distribution)
                {
                    metrics[id] = _value;
                    return;
                }

                metrics[id + ".count"] = _count;
                metrics[id + ".sum"] = _value;
                metrics[id + ".min"] = _min;
                metrics[id + ".max"] = _max;
            }
        }
    }

    private sealed class SubtaskCounters(long startedAt)
    {
        public readonly ConcurrentDictionary<string, UserValue> User = new(StringComparer.Ordinal);
        public long RecordsIn;
        public long RecordsOut;
        private readonly object _lock = new();
        private readonly Queue<(double ElapsedMs, double IdleMs, double BackpressuredMs)> _window = new();
        private double _idleMs;
        private double _backpressuredMs;
        private long _sampledAt = startedAt;

        public long? Watermark { get; set; }

        /// <summary>Bytes of the subtask's state in its latest checkpoint; null before one completed.</summary>
        public long? StateSize { get; set; }

        public double BusyRatio { get; private set; }

        public double IdleRatio { get; private set; }

        public double BackpressuredRatio { get; private set; }

        public void AddIdle(double ms)
        {
            lock (_lock)
                _idleMs += ms;
        }

        public void AddBackpressured(double ms)
        {
            lock (_lock)
                _backpressuredMs += ms;
        }

        public void Sample(long now, TimeProvider time)
        {
            lock (_lock)
            {
                var elapsed = time.GetElapsedTime(_sampledAt, now).TotalMilliseconds;
                if (elapsed <= 0)
                    return;
                _window.Enqueue((elapsed, _idleMs, _backpressuredMs));
                if (_window.Count > WindowSamples)
                    _window.Dequeue();
                var window = _window.Sum(w => w.ElapsedMs);
                IdleRatio = Math.Clamp(_window.Sum(w => w.IdleMs) / window, 0, 1);
                BackpressuredRatio = Math.Clamp(_window.Sum(w => w.BackpressuredMs) / window, 0, 1 - IdleRatio);
                BusyRatio = 1 - IdleRatio - BackpressuredRatio;
                _idleMs = _backpressuredMs = 0;
                _sampledAt = now;
            }
        }
    }
}

/// <summary>
/// One subtask's numbers: records since the job started, time shares of the last seconds
/// (<see cref="TaskMetrics.WindowSamples"/>), its watermark and its state size in the latest checkpoint.
/// </summary>
public sealed record SubtaskMetrics(int Subtask, long RecordsIn, long RecordsOut, double BusyRatio, double IdleRatio, double BackpressuredRatio, long? Watermark,
    long? StateSize);

/// <summary>
/// A vertex's numbers: records since the job started, time shares of the last seconds, its
/// lowest watermark, and its user metrics by Flink's id (<c>subtask.operator.groups.name</c>).
/// </summary>
public sealed record VertexMetrics(long RecordsIn, long RecordsOut, double BusyRatio, double IdleRatio, double BackpressuredRatio, long? Watermark,
    IReadOnlyDictionary<string, double> UserMetrics);
