using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PyStream.Engine.Telemetry;

namespace PyStream.Gateway.Monitoring;

/// <summary>
/// The engine's per-subtask instruments, summed as the Web UI shows them. It listens to the
/// <c>PyStream.Runtime</c> meter like any exporter, and once a second (<see cref="Sample"/>)
/// turns the time counters into busy, idle and backpressured shares of that second.
/// </summary>
public sealed class TaskMetrics : IDisposable
{
    private static readonly HashSet<string> Instruments =
        ["pystream.records.in", "pystream.records.out", "pystream.task.idle.time", "pystream.task.backpressured.time", "pystream.watermark"];

    private readonly ConcurrentDictionary<(string Job, int Vertex, int Subtask), SubtaskCounters> _subtasks = new();
    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;
    private readonly ITimer? _sampler;

    public TaskMetrics(TimeProvider time, bool sampleEverySecond = true)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EngineTelemetry.MeterName && Instruments.Contains(instrument.Name))
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

    /// <summary>One vertex (operator chain) of a job, over its subtasks; null before any of them reported.</summary>
    public VertexMetrics? Vertex(string jobId, int vertex, int parallelism)
    {
        var subtasks = Enumerable.Range(0, parallelism)
            .Select(s => _subtasks.TryGetValue((jobId, vertex, s), out var c) ? c : null)
            .Where(c => c is not null).Select(c => c!).ToList();
        if (subtasks.Count == 0)
            return null;
        var watermarks = subtasks.Select(s => s.Watermark).ToList();
        return new VertexMetrics(
            subtasks.Sum(s => s.RecordsIn),
            subtasks.Sum(s => s.RecordsOut),
            subtasks.Sum(s => s.BusyRatio) / parallelism,
            subtasks.Sum(s => s.IdleRatio) / parallelism,
            subtasks.Sum(s => s.BackpressuredRatio) / parallelism,
            subtasks.Count == parallelism && watermarks.All(w => w is not null) ? watermarks.Min() : null);
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
        string? job = null;
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
            }
        }

        if (job is null || vertex is null || subtask is null)
            return;
        var counters = _subtasks.GetOrAdd((job, vertex.Value, subtask.Value), _ => new SubtaskCounters(_time.GetTimestamp()));
        var number = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
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
        }
    }

    private sealed class SubtaskCounters(long startedAt)
    {
        public long RecordsIn;
        public long RecordsOut;
        private readonly object _lock = new();
        private double _idleMs;
        private double _backpressuredMs;
        private long _sampledAt = startedAt;

        public long? Watermark { get; set; }

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
                IdleRatio = Math.Clamp(_idleMs / elapsed, 0, 1);
                BackpressuredRatio = Math.Clamp(_backpressuredMs / elapsed, 0, 1 - IdleRatio);
                BusyRatio = 1 - IdleRatio - BackpressuredRatio;
                _idleMs = _backpressuredMs = 0;
                _sampledAt = now;
            }
        }
    }
}

/// <summary>A vertex's numbers: records since the job started, time shares of the last second, its lowest watermark.</summary>
public sealed record VertexMetrics(long RecordsIn, long RecordsOut, double BusyRatio, double IdleRatio, double BackpressuredRatio, long? Watermark);
