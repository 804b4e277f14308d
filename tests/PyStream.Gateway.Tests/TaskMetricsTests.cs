using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Telemetry;
using PyStream.Gateway.Monitoring;

namespace PyStream.Gateway.Tests;

public sealed class TaskMetricsTests
{
    // A job id of this test's own, so measurements of other tests' jobs never mix in.
    private readonly string _job = Guid.NewGuid().ToString("N");

    [Fact]
    public void A_vertex_sums_its_subtasks_records_and_shares_their_time()
    {
        var time = new FakeTimeProvider();
        using var metrics = new TaskMetrics(time, sampleEverySecond: false);
        var first = EngineTelemetry.TaskTags("job", _job, 1, "Map", 0);
        var second = EngineTelemetry.TaskTags("job", _job, 1, "Map", 1);

        EngineTelemetry.RecordsIn.Add(10, first);
        EngineTelemetry.RecordsIn.Add(5, second);
        EngineTelemetry.RecordsOut.Add(7, first);
        time.Advance(TimeSpan.FromSeconds(1));
        EngineTelemetry.IdleTime.Add(500, first);          // subtask 0: half idle, a quarter backpressured
        EngineTelemetry.BackpressuredTime.Add(250, first);
        EngineTelemetry.IdleTime.Add(1000, second);        // subtask 1: idle the whole second
        metrics.Sample();

        var vertex = metrics.Vertex(_job, 1, parallelism: 2)!;
        Assert.Equal((15, 7), (vertex.RecordsIn, vertex.RecordsOut));
        Assert.Equal(0.75, vertex.IdleRatio, 3);
        Assert.Equal(0.125, vertex.BackpressuredRatio, 3);
        Assert.Equal(0.125, vertex.BusyRatio, 3);
    }

    [Fact]
    public void Time_shares_are_averaged_over_the_last_five_seconds()
    {
        var time = new FakeTimeProvider();
        using var metrics = new TaskMetrics(time, sampleEverySecond: false);
        var tags = EngineTelemetry.TaskTags("job", _job, 0, "Source", 0);
        EngineTelemetry.IdleTime.Add(1000, tags);
        time.Advance(TimeSpan.FromSeconds(1));
        metrics.Sample(); // second 1: idle throughout
        Assert.Equal(0.0, metrics.Vertex(_job, 0, 1)!.BusyRatio, 3);

        time.Advance(TimeSpan.FromSeconds(1));
        metrics.Sample(); // second 2: busy throughout, so 1 busy second of 2
        Assert.Equal(0.5, metrics.Vertex(_job, 0, 1)!.BusyRatio, 3);

        for (var second = 3; second <= 6; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            metrics.Sample();
        }

        // Seconds 2-6 are the window: the idle second 1 has left it.
        Assert.Equal(1.0, metrics.Vertex(_job, 0, 1)!.BusyRatio, 3);
    }

    [Fact]
    public void Each_subtask_has_its_own_row()
    {
        var time = new FakeTimeProvider();
        using var metrics = new TaskMetrics(time, sampleEverySecond: false);
        var second = EngineTelemetry.TaskTags("job", _job, 3, "Map", 1);
        EngineTelemetry.RecordsIn.Add(4, second);
        EngineTelemetry.RecordsOut.Add(3, second);
        time.Advance(TimeSpan.FromSeconds(2));
        EngineTelemetry.BackpressuredTime.Add(500, second); // a quarter of two seconds
        EngineTelemetry.RecordStateSize("job", _job, 3, 1, 2048);
        try
        {
            metrics.Sample();

            var rows = metrics.Subtasks(_job, 3, parallelism: 2);
            Assert.Equal(2, rows.Count);
            Assert.Null(rows[0]); // subtask 0 has reported nothing
            var row = rows[1]!;
            Assert.Equal((1, 4L, 3L, 2048L), (row.Subtask, row.RecordsIn, row.RecordsOut, row.StateSize!.Value));
            Assert.Equal(0.25, row.BackpressuredRatio, 3);
            Assert.Equal(0.75, row.BusyRatio, 3);
        }
        finally
        {
            EngineTelemetry.ForgetJob(_job);
        }
    }

    [Fact]
    public void The_watermark_is_the_lowest_of_all_subtasks_once_each_has_one()
    {
        var time = new FakeTimeProvider();
        using var metrics = new TaskMetrics(time, sampleEverySecond: false);
        long first = 5_000, second = long.MinValue;
        object a = new(), b = new();
        EngineTelemetry.TrackWatermark(a, () => first, time, EngineTelemetry.TaskTags("job", _job, 2, "Window", 0));
        EngineTelemetry.TrackWatermark(b, () => second, time, EngineTelemetry.TaskTags("job", _job, 2, "Window", 1));
        try
        {
            EngineTelemetry.RecordsIn.Add(1, EngineTelemetry.TaskTags("job", _job, 2, "Window", 1));
            metrics.Sample();
            Assert.Null(metrics.Vertex(_job, 2, 2)!.Watermark); // subtask 1 has none yet

            second = 3_000;
            metrics.Sample();
            Assert.Equal(3_000, metrics.Vertex(_job, 2, 2)!.Watermark);
        }
        finally
        {
            EngineTelemetry.Untrack(a);
            EngineTelemetry.Untrack(b);
        }
    }

    [Fact]
    public void User_metrics_of_each_subtask_are_listed_by_flinks_id()
    {
        using var metrics = new TaskMetrics(new FakeTimeProvider(), sampleEverySecond: false);
        var first = new UserMetrics(EngineTelemetry.TaskTags("job", _job, 3, "Map -> Filter", 0));
        var second = new UserMetrics(EngineTelemetry.TaskTags("job", _job, 3, "Map -> Filter", 1));
        List<(string, string?)> scope = [("shop", null), ("region", "eu")];
        var seen = first.Register(UserMetricKind.Counter, "Map", scope, "seen");
        var sizes = first.Register(UserMetricKind.Distribution, "Map", scope, "sizes");
        var last = first.Register(UserMetricKind.Gauge, "Map", [], "last");
        var marks = second.Register(UserMetricKind.Meter, "Map", [("my group!", null)], "marks");

        // Reports carry counts so far (the engine adds what changed), a gauge's value, each distribution value.
        first.Report([seen, sizes, sizes, last], [3, 4, 10, 7]);
        first.Report([seen, sizes, last], [2, 1, 5]);
        second.Report([marks], [6]);
        second.Report([marks], [9]);

        Assert.Equal(new Dictionary<string, double>
        {
            ["0.Map.shop.region.eu.seen"] = 2,
            ["0.Map.shop.region.eu.sizes.count"] = 3,
            ["0.Map.shop.region.eu.sizes.sum"] = 15,
            ["0.Map.shop.region.eu.sizes.min"] = 1,
            ["0.Map.shop.region.eu.sizes.max"] = 10,
            ["0.Map.last"] = 5,
            ["1.Map.my_group_.marks"] = 9,
        }, metrics.Vertex(_job, 3, parallelism: 2)!.UserMetrics);
    }

    [Fact]
    public void A_report_naming_no_registered_metric_is_refused()
    {
        var user = new UserMetrics(EngineTelemetry.TaskTags("job", _job, 0, "Map", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => user.Report([0], [1]));
        Assert.Throws<ArgumentException>(() => UserMetrics.KindOf("timer"));
    }

    [Fact]
    public void A_vertex_nobody_reported_for_has_no_numbers()
    {
        using var metrics = new TaskMetrics(new FakeTimeProvider(), sampleEverySecond: false);
        Assert.Null(metrics.Vertex(_job, 0, 1));
    }
}
