using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Telemetry;

namespace PyStream.Engine.Tests.Telemetry;

/// <summary>
/// A worker's measurements taken (<see cref="TaskMeasurements"/>) and replayed on instruments elsewhere
/// (<see cref="MeasurementReplay"/>), seen through a listener as an exporter would see them. Each test has
/// a job id of its own: other tests measure on the same static instruments at the same time.
/// </summary>
public sealed class TaskMeasurementsTests
{
    private readonly string _job = "measured-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public void A_take_carries_counter_increments_since_the_previous_one_and_only_what_changed()
    {
        using var measurements = new TaskMeasurements();
        var map = EngineTelemetry.TaskTags("job", _job, 1, "Map", 0);
        var other = EngineTelemetry.TaskTags("job", "another-" + _job, 1, "Map", 0);
        EngineTelemetry.RecordsIn.Add(10, map);
        EngineTelemetry.RecordsIn.Add(5, map);
        EngineTelemetry.RecordsOut.Add(7, map);
        EngineTelemetry.IdleTime.Add(2.5, map);
        EngineTelemetry.RecordsIn.Add(99, other); // another job's
        EngineTelemetry.RecordsIn.Add(1, new TagList { { "job_id", _job } }); // no subtask: not a task's series

        var first = measurements.Take(_job);
        Assert.Equal(
            new[] { ("pystream.records.in", 15.0), ("pystream.records.out", 7.0), ("pystream.task.idle.time", 2.5) },
            first.Changes.Select(c => (c.Series.Instrument, c.Value)).Order());
        Assert.All(first.Changes, c => Assert.Contains(new KeyValuePair<string, object?>("subtask", 0), c.Series.Tags));

        EngineTelemetry.RecordsIn.Add(3, map);
        var second = measurements.Take(_job);
        var change = Assert.Single(second.Changes);
        Assert.Equal(("pystream.records.in", 3.0), (change.Series.Instrument, change.Value));
        Assert.Equal(first.Changes.Single(c => c.Series.Instrument == "pystream.records.in").Series.Id, change.Series.Id);
        Assert.True(measurements.Take(_job).IsEmpty);
    }

    [Fact]
    public void User_metrics_are_taken_by_kind_and_a_distributions_values_are_bounded()
    {
        using var measurements = new TaskMeasurements();
        var user = new UserMetrics(EngineTelemetry.TaskTags("job", _job, 0, "Map", 0));
        var counter = user.Register(UserMetricKind.Counter, "Map", [], "seen");
        var gauge = user.Register(UserMetricKind.Gauge, "Map", [("colour", "red")], "level");
        var distribution = user.Register(UserMetricKind.Distribution, "Map", [], "sizes");
        user.Report([counter, gauge], [4, 1.5]);
        var values = Enumerable.Range(0, TaskMeasurements.MaxSamplesPerTake + 3).Select(i => (double)i).ToArray();
        user.Report(Enumerable.Repeat((long)distribution, values.Length).ToArray(), values);
        user.Report([counter], [6]); // the count so far: 2 more

        var take = measurements.Take(_job).Changes.ToDictionary(c => c.Series.Instrument);
        Assert.Equal((MeasurementKind.UpDownCounter, 6.0), (take["pystream.user.seen"].Series.Kind, take["pystream.user.seen"].Value));
        Assert.Equal((MeasurementKind.Gauge, 1.5), (take["pystream.user.colour.level"].Series.Kind, take["pystream.user.colour.level"].Value));
        Assert.Contains(new KeyValuePair<string, object?>("colour", "red"), take["pystream.user.colour.level"].Series.Tags);
        var sizes = take["pystream.user.sizes"];
        Assert.Equal(MeasurementKind.Histogram, sizes.Series.Kind);
        Assert.Equal(values.Take(TaskMeasurements.MaxSamplesPerTake), sizes.Samples);
        Assert.Equal(3, sizes.DroppedSamples);
    }

    [Fact]
    public void A_watermark_is_observed_at_each_take_and_gone_once_its_task_ended()
    {
        using var measurements = new TaskMeasurements();
        var task = new object();
        var watermark = 1_000L;
        EngineTelemetry.TrackWatermark(task, () => watermark, TimeProvider.System, EngineTelemetry.TaskTags("job", _job, 2, "Window", 1));
        try
        {
            var first = Assert.Single(measurements.Take(_job).Changes);
            Assert.Equal(("pystream.watermark", MeasurementKind.ObservedGauge, 1_000.0), (first.Series.Instrument, first.Series.Kind, first.Value));
            Assert.True(measurements.Take(_job).IsEmpty); // it did not move
            watermark = 2_000;
            Assert.Equal(2_000.0, Assert.Single(measurements.Take(_job).Changes).Value);
        }
        finally
        {
            EngineTelemetry.Untrack(task);
        }

        var ended = measurements.Take(_job);
        Assert.Empty(ended.Changes);
        Assert.Equal("pystream.watermark", Assert.Single(ended.Gone).Instrument);
        Assert.True(measurements.Take(_job).IsEmpty);
    }

    [Fact]
    public void A_replay_adds_increments_sets_gauges_records_values_and_observes_watermarks_as_if_measured_here()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(10_000));
        var tags = EngineTelemetry.TaskTags("job", _job, 1, "Map", 0).ToArray();
        var userTags = tags.Append(new KeyValuePair<string, object?>("operator", "Map")).ToArray();
        var seen = new List<(string Instrument, double Value)>();
        using var listener = Listen(seen);
        using (var replay = new MeasurementReplay(time))
        {
            Assert.True(replay.Define(new MeasuredSeries(1, "pystream.records.in", MeasurementKind.Counter, tags)));
            Assert.True(replay.Define(new MeasuredSeries(2, "pystream.user.seen", MeasurementKind.UpDownCounter, userTags)));
            Assert.True(replay.Define(new MeasuredSeries(3, "pystream.user.sizes", MeasurementKind.Histogram, userTags)));
            Assert.True(replay.Define(new MeasuredSeries(4, "pystream.watermark", MeasurementKind.ObservedGauge, tags)));
            Assert.False(replay.Define(new MeasuredSeries(5, "pystream.no.such.instrument", MeasurementKind.Counter, tags)));

            Assert.True(replay.Apply(1, 15, []));
            Assert.True(replay.Apply(1, 3, []));
            Assert.True(replay.Apply(2, 4, []));
            Assert.True(replay.Apply(2, -1, []));
            Assert.True(replay.Apply(3, 2, [1.5, 2.5]));
            Assert.True(replay.Apply(4, 7_000, []));
            Assert.False(replay.Apply(5, 1, []));
            Assert.False(replay.Apply(6, 1, []));
            listener.RecordObservableInstruments();
            Assert.Equal(
                new[] { ("pystream.records.in", 15.0), ("pystream.records.in", 3.0), ("pystream.user.seen", 4.0), ("pystream.user.seen", -1.0),
                    ("pystream.user.sizes", 1.5), ("pystream.user.sizes", 2.5), ("pystream.watermark", 7_000.0), ("pystream.watermark.lag", 3_000.0) },
                Snapshot(seen));

            replay.Gone(4);
            seen.Clear();
            listener.RecordObservableInstruments();
            Assert.Empty(Snapshot(seen)); // its task ended: no watermark any more

            Assert.True(replay.Define(new MeasuredSeries(7, "pystream.watermark", MeasurementKind.ObservedGauge, tags)));
            replay.Apply(7, 8_000, []);
        }

        seen.Clear();
        listener.RecordObservableInstruments();
        Assert.Empty(Snapshot(seen)); // the sender's stream ended: nothing observed for it
    }

    private static List<(string Instrument, double Value)> Snapshot(List<(string Instrument, double Value)> seen)
    {
        lock (seen)
            return [.. seen];
    }

    private MeterListener Listen(List<(string Instrument, double Value)> seen)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == EngineTelemetry.MeterName)
                    l.EnableMeasurementEvents(instrument);
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "job_id", Value: string job } && job == _job)
                {
                    lock (seen)
                        seen.Add((instrument.Name, value));
                    return;
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        return listener;
    }
}
