using System.Threading.Channels;
using PyStream.Cluster.Protocol;
using PyStream.Engine.Telemetry;

namespace PyStream.Worker;

/// <summary>
/// The shares' task and user metrics on one deployment stream (<see cref="ShareMetrics"/>): what changed since
/// the previous report, a series named the first time this stream carries it. Reports go out in the order
/// they were taken, so a series is always named before it is referred to.
/// </summary>
internal sealed class ShareMetricsReports(TaskMeasurements measurements, ChannelWriter<WorkerReport> reports)
{
    private readonly Lock _lock = new();
    private readonly HashSet<uint> _named = [];

    /// <summary>Reports what the job's subtasks here measured since the previous report, under the share's attempt.</summary>
    public void Send(string attemptId, string jobId)
    {
        lock (_lock)
        {
            var take = measurements.Take(jobId);
            if (take.IsEmpty)
                return;
            var report = new ShareMetrics { AttemptId = attemptId };
            foreach (var change in take.Changes)
            {
                if (_named.Add(change.Series.Id))
                    report.Defined.Add(MetricSeriesMessages.ToMessage(change.Series));
                var update = new MetricUpdate { Series = change.Series.Id, Value = change.Value, DroppedSamples = change.DroppedSamples };
                update.Samples.Add(change.Samples);
                report.Updates.Add(update);
            }

            foreach (var gone in take.Gone)
            {
                if (_named.Remove(gone.Id))
                    report.Gone.Add(gone.Id);
            }

            reports.TryWrite(new WorkerReport { Metrics = report });
        }
    }
}
