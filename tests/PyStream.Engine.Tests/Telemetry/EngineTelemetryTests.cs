using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime;
using PyStream.Engine.Spec;
using PyStream.Engine.Telemetry;
using static PyStream.Engine.Tests.Harness.JobSpecs;

namespace PyStream.Engine.Tests.Telemetry;

/// <summary>The spans and metrics a job emits, seen through the BCL's listeners (as an OpenTelemetry SDK would see them).</summary>
public sealed class EngineTelemetryTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-telemetry-");
    private readonly string _job = "telemetry-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<Activity> _spans = [];
    private readonly List<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = [];
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public EngineTelemetryTests()
    {
        // Other tests run jobs at the same time: keep only this test's job.
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EngineTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_spans)
                    _spans.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EngineTelemetry.MeterName)
                listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Measured(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Measured(instrument, (long)Math.Ceiling(value), tags));
        _meters.Start();
    }

    private void Measured(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var tagged = new Dictionary<string, object?>();
        foreach (var tag in tags)
            tagged[tag.Key] = tag.Value;
        if (Equals(tagged.GetValueOrDefault("job"), _job))
        {
            lock (_measurements)
                _measurements.Add((instrument.Name, value, tagged));
        }
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
        _root.Delete(recursive: true);
    }

    private List<Activity> Spans(string name)
    {
        lock (_spans)
            return _spans.Where(s => s.OperationName == name && (s.GetTagItem("pystream.job") is null || Equals(s.GetTagItem("pystream.job"), _job))).ToList();
    }

    private long Sum(string instrument, Func<Dictionary<string, object?>, bool>? where = null)
    {
        lock (_measurements)
            return _measurements.Where(m => m.Instrument == instrument && (where is null || where(m.Tags))).Sum(m => m.Value);
    }

    [Fact]
    public async Task A_stopped_job_reports_records_its_savepoint_and_nested_spans()
    {
        // Numbers from one source subtask to two print subtasks: records cross the network.
        var spec = Job(Numbers(1, 0, 1L << 50, parallelism: 1), Print(2, 2, "", From(1, Partitioning.Rebalance)));
        spec.Name = _job;
        spec.Configuration[CheckpointingOptions.DirectoryKey] = Path.Combine(_root.FullName, "checkpoints");
        spec.Configuration[CheckpointingOptions.IntervalKey] = "1 s";
        var time = new FakeTimeProvider();
        var execution = JobExecution.Start(spec, new JobEnvironment { Stdout = TextWriter.Null, Time = time });
        // A stop triggered before the source's first batch would stop it with nothing sent.
        Assert.True(SpinWait.SpinUntil(() => Sum("pystream.records.in", t => Equals(t["subtask"], 0)) > 0 && Sum("pystream.records.in", t => Equals(t["subtask"], 1)) > 0, Bound));
        await execution.TriggerSavepoint(Path.Combine(_root.FullName, "savepoints"), stop: true).WaitAsync(Bound);
        Assert.True(execution.Wait(Bound));

        var sent = Sum("pystream.records.out");
        Assert.True(sent > 0);
        Assert.Equal(sent, Sum("pystream.records.in")); // everything the source sent arrived before the stop
        Assert.True(Sum("pystream.records.in", t => Equals(t["subtask"], 0)) > 0 && Sum("pystream.records.in", t => Equals(t["subtask"], 1)) > 0);
        Assert.Equal(1, Sum("pystream.checkpoints", t => Equals(t["status"], "completed") && Equals(t["kind"], nameof(SnapshotKind.StopSavepoint))));
        Assert.True(Sum("pystream.task.idle.time", t => Equals(t["task"], "print-2")) > 0); // the print subtasks waited for their first records

        var job = Assert.Single(Spans("job"));
        var run = Assert.Single(Spans("job run"));
        var checkpoint = Assert.Single(Spans("savepoint"));
        Assert.Equal(job.SpanId, run.ParentSpanId);
        Assert.Equal(run.SpanId, checkpoint.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Ok, checkpoint.Status);
        var snapshots = Spans("task snapshot").Where(s => s.ParentSpanId == checkpoint.SpanId).ToList();
        Assert.Equal(3, snapshots.Count); // one source subtask, two print subtasks
        Assert.Equal(nameof(JobStatus.Finished), job.GetTagItem("pystream.job.status"));
    }

    [Fact]
    public void Running_tasks_report_their_watermark_and_its_lag_until_they_end()
    {
        var task = new object();
        var watermark = long.MinValue;
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(7_000));
        EngineTelemetry.TrackWatermark(task, () => watermark, clock, EngineTelemetry.TaskTags(_job, "job-id", 0, "window", 0));
        _meters.RecordObservableInstruments();
        Assert.Equal(0, Sum("pystream.watermark")); // no watermark yet: nothing reported
        watermark = 4_999;
        _meters.RecordObservableInstruments();
        Assert.Equal(4_999, Sum("pystream.watermark", t => Equals(t["task"], "window")));
        Assert.Equal(2_001, Sum("pystream.watermark.lag", t => Equals(t["task"], "window")));
        watermark = long.MaxValue; // the end of input is no time to lag behind
        _meters.RecordObservableInstruments();
        Assert.Equal(2_001, Sum("pystream.watermark.lag"));
        EngineTelemetry.Untrack(task);
        _meters.RecordObservableInstruments();
        Assert.Equal(4_999, Sum("pystream.watermark"));
    }

    [Fact]
    public void State_sizes_are_reported_per_subtask_until_the_job_is_forgotten()
    {
        var jobId = Guid.NewGuid().ToString("N");
        EngineTelemetry.RecordStateSize(_job, jobId, vertex: 1, subtask: 0, bytes: 300);
        EngineTelemetry.RecordStateSize(_job, jobId, vertex: 1, subtask: 1, bytes: 200);
        EngineTelemetry.RecordStateSize(_job, jobId, vertex: 1, subtask: 1, bytes: 250); // a later checkpoint replaces it
        _meters.RecordObservableInstruments();
        Assert.Equal(550, Sum("pystream.state.size", t => Equals(t["job_id"], jobId)));

        EngineTelemetry.ForgetJob(jobId);
        _meters.RecordObservableInstruments();
        Assert.Equal(550, Sum("pystream.state.size")); // nothing more was reported
    }
}
