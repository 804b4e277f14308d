namespace PyStream.Engine.Telemetry;

/// <summary>How a measured series' values are read: what a report of it carries.</summary>
public enum MeasurementKind
{
    /// <summary>A monotonic counter: reports carry increments.</summary>
    Counter,

    /// <summary>A counter that may go down: reports carry increments, maybe negative.</summary>
    UpDownCounter,

    /// <summary>A gauge: reports carry its last value.</summary>
    Gauge,

    /// <summary>A histogram: reports carry the values recorded.</summary>
    Histogram,

    /// <summary>An observable gauge (a task's watermark): reports carry its last observation.</summary>
    ObservedGauge,
}
