using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PyStream.Engine.Telemetry;

/// <summary>
/// Replays what another process's subtasks measured (<see cref="TaskMeasurements"/>) on this process's
/// instruments of the same names and tags: counters get the increments, gauges the last values,
/// histograms the values, a watermark is observed here (with its lag behind this process's clock) until
/// it is gone. Every listener of the <c>PyStream.Runtime</c> meter (exporters, the REST views) then sees
/// them as if counted here. One replay serves one sender's stream of reports, in order; disposing it ends
/// the watermarks it observes (what was counted stays counted).
/// </summary>
public sealed class MeasurementReplay(TimeProvider clock) : IDisposable
{
    private readonly Dictionary<uint, Replayed> _series = [];

    /// <summary>Names a series later updates refer to by its id; false (and nothing replayed) for an instrument this process does not have.</summary>
    public bool Define(MeasuredSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var watermark = series is { Instrument: "pystream.watermark", Kind: MeasurementKind.ObservedGauge };
        var instrument = watermark ? null : InstrumentFor(series);
        if (!watermark && instrument is null)
            return false;
        var tags = new TagList();
        foreach (var tag in series.Tags)
            tags.Add(tag);
        if (_series.Remove(series.Id, out var earlier))
            earlier.End();
        _series[series.Id] = new Replayed(instrument, tags, clock);
        return true;
    }

    /// <summary>Replays one series' change; false for an id never defined (or whose instrument this process does not have).</summary>
    public bool Apply(uint id, double value, IReadOnlyList<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (!_series.TryGetValue(id, out var series))
            return false;
        series.Apply(value, samples);
        return true;
    }

    /// <summary>The series' task ended: its watermark is no longer observed.</summary>
    public void Gone(uint id)
    {
        if (_series.Remove(id, out var series))
            series.End();
    }

    public void Dispose()
    {
        foreach (var series in _series.Values)
            series.End();
        _series.Clear();
    }

    private static Instrument? InstrumentFor(MeasuredSeries series) => (series.Instrument, series.Kind) switch
    {
        ("pystream.records.in", MeasurementKind.Counter) => EngineTelemetry.RecordsIn,
        ("pystream.records.out", MeasurementKind.Counter) => EngineTelemetry.RecordsOut,
        ("pystream.task.idle.time", MeasurementKind.Counter) => EngineTelemetry.IdleTime,
        ("pystream.task.backpressured.time", MeasurementKind.Counter) => EngineTelemetry.BackpressuredTime,
        ("pystream.python.time", MeasurementKind.Counter) => EngineTelemetry.PythonTime,
        var (name, kind) when name.StartsWith(UserMetrics.Prefix, StringComparison.Ordinal) && UserKind(kind) is { } user => UserMetrics.InstrumentFor(user, name),
        _ => null,
    };

    private static UserMetricKind? UserKind(MeasurementKind kind) => kind switch
    {
        MeasurementKind.UpDownCounter => UserMetricKind.Counter,
        MeasurementKind.Counter => UserMetricKind.Meter,
        MeasurementKind.Gauge => UserMetricKind.Gauge,
        MeasurementKind.Histogram => UserMetricKind.Distribution,
        _ => null,
    };

    /// <summary>A series replayed on <paramref name="instrument"/>; without one, a watermark <see cref="EngineTelemetry.TrackWatermark"/> observes.</summary>
    private sealed class Replayed(Instrument? instrument, TagList tags, TimeProvider clock)
    {
        private long _watermark = long.MinValue;
        private bool _tracked;

        public void Apply(double value, IReadOnlyList<double> samples)
        {
            switch (instrument)
            {
                case Counter<long> counter when value > 0:
                    counter.Add((long)value, tags);
                    break;
                case Counter<double> counter when value > 0:
                    counter.Add(value, tags);
                    break;
                case UpDownCounter<long> counter:
                    counter.Add((long)value, tags);
                    break;
                case Gauge<double> gauge:
                    gauge.Record(value, tags);
                    break;
                case Histogram<double> histogram:
                    foreach (var sample in samples)
                        histogram.Record(sample, tags);
                    break;
                case null:
                    Volatile.Write(ref _watermark, (long)value);
                    if (!_tracked)
                    {
                        EngineTelemetry.TrackWatermark(this, () => Volatile.Read(ref _watermark), clock, tags);
                        _tracked = true;
                    }

                    break;
            }
        }

        public void End()
        {
            if (_tracked)
                EngineTelemetry.Untrack(this);
        }
    }
}
