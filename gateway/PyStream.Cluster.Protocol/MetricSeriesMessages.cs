using System.Globalization;
using PyStream.Engine.Telemetry;

namespace PyStream.Cluster.Protocol;

/// <summary>A measured series as the worker names it in a report, and back as the coordinator replays it.</summary>
public static class MetricSeriesMessages
{
    public static MetricSeries ToMessage(MeasuredSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var message = new MetricSeries { Id = series.Id, Instrument = series.Instrument, Kind = KindOf(series.Kind) };
        foreach (var (key, value) in series.Tags)
        {
            message.Tags.Add(value is int number
                ? new MetricTag { Key = key, Integer = number }
                : new MetricTag { Key = key, Text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "" });
        }

        return message;
    }

    public static MeasuredSeries FromMessage(MetricSeries message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new MeasuredSeries(message.Id, message.Instrument, KindOf(message.Kind), message.Tags.Select(TagOf).ToList());
    }

    private static MetricSeries.Types.Kind KindOf(MeasurementKind kind) => kind switch
    {
        MeasurementKind.Counter => MetricSeries.Types.Kind.Counter,
        MeasurementKind.UpDownCounter => MetricSeries.Types.Kind.UpDownCounter,
        MeasurementKind.Gauge => MetricSeries.Types.Kind.Gauge,
        MeasurementKind.Histogram => MetricSeries.Types.Kind.Histogram,
        MeasurementKind.ObservedGauge => MetricSeries.Types.Kind.ObservedGauge,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a measurement kind the cluster protocol does not carry"),
    };

    /// <summary>A kind this coordinator does not know (a newer worker's) is taken for a counter.</summary>
    private static MeasurementKind KindOf(MetricSeries.Types.Kind kind) => kind switch
    {
        MetricSeries.Types.Kind.UpDownCounter => MeasurementKind.UpDownCounter,
        MetricSeries.Types.Kind.Gauge => MeasurementKind.Gauge,
        MetricSeries.Types.Kind.Histogram => MeasurementKind.Histogram,
        MetricSeries.Types.Kind.ObservedGauge => MeasurementKind.ObservedGauge,
        _ => MeasurementKind.Counter,
    };

    private static KeyValuePair<string, object?> TagOf(MetricTag tag) =>
        new(tag.Key, tag.ValueCase == MetricTag.ValueOneofCase.Integer ? tag.Integer : tag.Text);
}
