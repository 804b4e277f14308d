namespace PyStream.Engine.Telemetry;

/// <summary>
/// What one series did since the previous take: a counter's increment or a gauge's last value
/// (<paramref name="Value"/>), or the values a histogram recorded (<paramref name="Samples"/>, at most
/// <see cref="TaskMeasurements.MaxSamplesPerTake"/>; <paramref name="DroppedSamples"/> more were left out).
/// </summary>
public sealed record SeriesChange(MeasuredSeries Series, double Value, IReadOnlyList<double> Samples, long DroppedSamples);
