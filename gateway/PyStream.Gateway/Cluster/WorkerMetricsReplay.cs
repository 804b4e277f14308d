using PyStream.Cluster.Protocol;
using PyStream.Engine.Telemetry;

namespace PyStream.Gateway.Cluster;

/// <summary>
/// A worker's <see cref="ShareMetrics"/> reports on one deployment stream, replayed on the coordinator's own
/// instruments (<see cref="MeasurementReplay"/>): its REST views, Web UI, Prometheus and OTLP exports count
/// them as if its own subtasks had. What a lost worker reported stays counted; what it had not reported yet is lost
/// with it (its attempt fails and restarts).
/// </summary>
internal sealed class WorkerMetricsReplay(string workerId, TimeProvider time, ILogger logger) : IDisposable
{
    private readonly MeasurementReplay _replay = new(time);
    private readonly Dictionary<uint, string> _names = [];
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    public void Apply(ShareMetrics report)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (var series in report.Defined)
        {
            var measured = MetricSeriesMessages.FromMessage(series);
            _names[series.Id] = series.Instrument;
            if (!_replay.Define(measured) && _warned.Add(series.Instrument))
                logger.UnknownMetric(workerId, series.Instrument, series.Kind.ToString());
        }

        foreach (var update in report.Updates)
        {
            _replay.Apply(update.Series, update.Value, update.Samples);
            if (update.DroppedSamples > 0 && _names.TryGetValue(update.Series, out var name) && _warned.Add(name))
                logger.DistributionSamplesDropped(workerId, name, TaskMeasurements.MaxSamplesPerTake, update.DroppedSamples);
        }

        foreach (var gone in report.Gone)
        {
            _replay.Gone(gone);
            _names.Remove(gone);
        }
    }

    public void Dispose() => _replay.Dispose();
}
