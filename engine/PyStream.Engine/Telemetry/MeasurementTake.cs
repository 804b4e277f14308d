namespace PyStream.Engine.Telemetry;

/// <summary>A job's series that changed since the previous take, and its observed gauges that are no longer observed (their task ended).</summary>
public sealed record MeasurementTake(IReadOnlyList<SeriesChange> Changes, IReadOnlyList<MeasuredSeries> Gone)
{
    public bool IsEmpty => Changes.Count == 0 && Gone.Count == 0;
}
