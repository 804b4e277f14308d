using Microsoft.Extensions.Time.Testing;
using PyStream.Cluster.Protocol;
using PyStream.Engine.Telemetry;
using PyStream.Engine.Tests.Harness;
using PyStream.Gateway.Cluster;
using PyStream.Gateway.Monitoring;

namespace PyStream.Gateway.Tests.Cluster;

/// <summary>
/// A worker's <see cref="ShareMetrics"/> reports, as the coordinator ingests them: its REST views
/// (<see cref="TaskMetrics"/>) show them as if its own subtasks had counted them.
/// </summary>
public sealed class WorkerMetricsReplayTests
{
    private readonly string _job = Guid.NewGuid().ToString("N");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(50_000));
    private readonly RecordingLogger _log = new();

    [Fact]
    public void Reported_records_user_metrics_and_watermarks_reach_the_vertex_and_subtask_views()
    {
        using var metrics = new TaskMetrics(_time, sampleEverySecond: false);
        using (var replay = new WorkerMetricsReplay("worker-1", _time, _log))
        {
            var first = new ShareMetrics { AttemptId = "a1" };
            first.Defined.Add(Series(1, "pystream.records.in", MetricSeries.Types.Kind.Counter, subtask: 0));
            first.Defined.Add(Series(2, "pystream.records.out", MetricSeries.Types.Kind.Counter, subtask: 0));
            first.Defined.Add(Series(3, "pystream.records.in", MetricSeries.Types.Kind.Counter, subtask: 1));
            first.Defined.Add(Series(4, "pystream.user.seen", MetricSeries.Types.Kind.UpDownCounter, subtask: 1, user: true));
            first.Defined.Add(Series(5, "pystream.user.sizes", MetricSeries.Types.Kind.Histogram, subtask: 1, user: true));
            first.Defined.Add(Series(6, "pystream.watermark", MetricSeries.Types.Kind.ObservedGauge, subtask: 0));
            first.Defined.Add(Series(7, "pystream.watermark", MetricSeries.Types.Kind.ObservedGauge, subtask: 1));
            first.Updates.Add(Update(1, 10));
            first.Updates.Add(Update(2, 8));
            first.Updates.Add(Update(3, 4));
            first.Updates.Add(Update(4, 3));
            first.Updates.Add(Update(5, 2, 1.0, 5.0));
            first.Updates.Add(Update(6, 4_000));
            first.Updates.Add(Update(7, 3_000));
            replay.Apply(first);

            var second = new ShareMetrics { AttemptId = "a1" }; // increments since the first; names not repeated
            second.Updates.Add(Update(1, 5));
            second.Updates.Add(Update(4, 2));
            second.Updates.Add(Update(5, 1, 3.0));
            replay.Apply(second);
            metrics.Sample();

            var vertex = metrics.Vertex(_job, 1, parallelism: 2)!;
            Assert.Equal((10 + 5 + 4, 8L, 3_000L), (vertex.RecordsIn, vertex.RecordsOut, vertex.Watermark!.Value));
            Assert.Equal(5.0, vertex.UserMetrics["1.Map.seen"]);
            Assert.Equal((3.0, 9.0, 1.0, 5.0),
                (vertex.UserMetrics["1.Map.sizes.count"], vertex.UserMetrics["1.Map.sizes.sum"], vertex.UserMetrics["1.Map.sizes.min"], vertex.UserMetrics["1.Map.sizes.max"]));
            var rows = metrics.Subtasks(_job, 1, parallelism: 2);
            Assert.Equal((15L, 8L, 4_000L), (rows[0]!.RecordsIn, rows[0]!.RecordsOut, rows[0]!.Watermark!.Value));
            Assert.Equal((4L, 0L), (rows[1]!.RecordsIn, rows[1]!.RecordsOut));
        }

        Assert.Empty(_log.Messages);
    }

    [Theory]
    [InlineData(MeasurementKind.Counter)]
    [InlineData(MeasurementKind.UpDownCounter)]
    [InlineData(MeasurementKind.Gauge)]
    [InlineData(MeasurementKind.Histogram)]
    [InlineData(MeasurementKind.ObservedGauge)]
    public void A_series_named_by_a_worker_arrives_as_it_was_measured(MeasurementKind kind)
    {
        var measured = new MeasuredSeries(9, "pystream.user.x", kind, [new("subtask", 2), new("operator", "Map"), new("ratio", 0.5)]);

        var arrived = MetricSeriesMessages.FromMessage(MetricSeriesMessages.ToMessage(measured));

        Assert.Equal((9u, "pystream.user.x", kind), (arrived.Id, arrived.Instrument, arrived.Kind));
        Assert.Equal([new("subtask", 2), new("operator", "Map"), new("ratio", "0.5")], arrived.Tags);
    }

    [Fact]
    public void A_series_of_an_unknown_instrument_is_logged_and_not_counted_and_dropped_samples_are_named()
    {
        using var metrics = new TaskMetrics(_time, sampleEverySecond: false);
        using var replay = new WorkerMetricsReplay("worker-2", _time, _log);
        var report = new ShareMetrics { AttemptId = "a1" };
        report.Defined.Add(Series(1, "pystream.not.an.instrument", MetricSeries.Types.Kind.Counter, subtask: 0));
        report.Defined.Add(Series(2, "pystream.user.sizes", MetricSeries.Types.Kind.Histogram, subtask: 0, user: true));
        report.Updates.Add(Update(1, 10));
        report.Updates.Add(Update(2, 1, 7.0));
        report.Updates[1].DroppedSamples = 42;
        report.Updates.Add(Update(99, 1)); // never named: nothing to count it as
        replay.Apply(report);

        Assert.Equal(1.0, metrics.Vertex(_job, 1, parallelism: 1)!.UserMetrics["0.Map.sizes.count"]);
        Assert.Equal(0, metrics.Vertex(_job, 1, parallelism: 1)!.RecordsIn);
        Assert.Collection(_log.Messages,
            m => Assert.Equal("worker worker-2 reported a metric this coordinator does not have ('pystream.not.an.instrument', Counter): not counted", m),
            m => Assert.Contains("distribution 'pystream.user.sizes' recorded more than 10000 values in a second; 42 were not forwarded", m, StringComparison.Ordinal));
    }

    private MetricSeries Series(uint id, string instrument, MetricSeries.Types.Kind kind, int subtask, bool user = false)
    {
        var series = new MetricSeries { Id = id, Instrument = instrument, Kind = kind };
        series.Tags.Add(new MetricTag { Key = "job", Text = "job" });
        series.Tags.Add(new MetricTag { Key = "job_id", Text = _job });
        series.Tags.Add(new MetricTag { Key = "vertex", Integer = 1 });
        series.Tags.Add(new MetricTag { Key = "task", Text = "Map" });
        series.Tags.Add(new MetricTag { Key = "subtask", Integer = subtask });
        if (user)
            series.Tags.Add(new MetricTag { Key = "operator", Text = "Map" });
        return series;
    }

    private static MetricUpdate Update(uint series, double value, params double[] samples)
    {
        var update = new MetricUpdate { Series = series, Value = value };
        update.Samples.Add(samples);
        return update;
    }
}
