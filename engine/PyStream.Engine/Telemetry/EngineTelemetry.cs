using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PyStream.Engine.Telemetry;

/// <summary>
/// What the engine reports, with the BCL's standard types: spans on the <c>PyStream</c>
/// ActivitySource and instruments on the <c>PyStream.Runtime</c> Meter. Hosts choose the
/// exporters (OpenTelemetry, Prometheus); without a listener all of this costs next to nothing.
/// </summary>
public static class EngineTelemetry
{
    public const string SourceName = "PyStream";
    public const string MeterName = "PyStream.Runtime";

    public static readonly ActivitySource Activities = new(SourceName);

    internal static readonly Meter Meter = new(MeterName);

    /// <summary>Records a task took from its inputs (tags: job, task, subtask).</summary>
    public static readonly Counter<long> RecordsIn = Meter.CreateCounter<long>("pystream.records.in", "{record}", "Records a task read from its inputs");

    /// <summary>Records a task sent to other tasks (tags: job, task, subtask).</summary>
    public static readonly Counter<long> RecordsOut = Meter.CreateCounter<long>("pystream.records.out", "{record}", "Records a task sent to other tasks");

    /// <summary>Time a task waited for a full downstream queue (tags: job, task, subtask).</summary>
    public static readonly Counter<double> BackpressuredTime = Meter.CreateCounter<double>("pystream.task.backpressured.time", "ms", "Time a task was held back by a full downstream queue");

    /// <summary>Time a task waited for input (tags: job, task, subtask); busy time is the rest.</summary>
    public static readonly Counter<double> IdleTime = Meter.CreateCounter<double>("pystream.task.idle.time", "ms", "Time a task waited for input");

    /// <summary>Time spent in Python: user functions and the conversions around them (tags: job, task, subtask).</summary>
    public static readonly Counter<double> PythonTime = Meter.CreateCounter<double>("pystream.python.time", "ms", "Time spent in Python calls");

    /// <summary>Checkpoints and savepoints that ended (tags: job, kind, status = completed | failed).</summary>
    public static readonly Counter<long> Checkpoints = Meter.CreateCounter<long>("pystream.checkpoints", "{checkpoint}", "Checkpoints that completed or failed");

    // Bucket advice, so exporters' default buckets (up to 10,000) do not lump every real checkpoint together.
    public static readonly Histogram<long> CheckpointDuration = Meter.CreateHistogram("pystream.checkpoint.duration", "ms", "From the trigger to the completed metadata",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000] });

    public static readonly Histogram<long> CheckpointSize = Meter.CreateHistogram("pystream.checkpoint.size", "By", "Bytes a completed checkpoint wrote",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1L << 10, 16L << 10, 256L << 10, 1L << 20, 16L << 20, 256L << 20, 1L << 30, 16L << 30] });

    /// <summary>Restarts of a job after a failure (tags: job).</summary>
    public static readonly Counter<long> Restarts = Meter.CreateCounter<long>("pystream.job.restarts", "{restart}", "Restarts after a failure");

    private static readonly ConcurrentDictionary<object, (Func<long> Watermark, TimeProvider Clock, TagList Tags)> Watermarks = new();

    private static readonly ConcurrentDictionary<(string JobId, int Vertex, int Subtask), (long Bytes, TagList Tags)> StateSizes = new();

    static EngineTelemetry()
    {
        Meter.CreateObservableGauge("pystream.watermark", () => CurrentWatermarks()
            .Select(w => new Measurement<long>(w.Value, w.Tags)), "ms", "The event-time watermark a task's output has reached");
        Meter.CreateObservableGauge("pystream.watermark.lag", () => CurrentWatermarks()
            .Select(w => new Measurement<long>(w.Clock.GetUtcNow().ToUnixTimeMilliseconds() - w.Value, w.Tags)), "ms", "How far a task's watermark is behind processing time");
        Meter.CreateObservableGauge("pystream.state.size", () => StateSizes.Values
            .Select(s => new Measurement<long>(s.Bytes, s.Tags)), "By", "Bytes of a subtask's state in the job's latest completed checkpoint");
    }

    /// <summary>Reports <paramref name="watermark"/> as a running task's current watermark (and its lag behind <paramref name="clock"/>) until <see cref="Untrack"/>.</summary>
    public static void TrackWatermark(object task, Func<long> watermark, TimeProvider clock, TagList tags) => Watermarks[task] = (watermark, clock, tags);

    public static void Untrack(object task) => Watermarks.TryRemove(task, out _);

    /// <summary>Reports a subtask's state size from a completed checkpoint, until <see cref="ForgetJob"/>.</summary>
    public static void RecordStateSize(string job, string jobId, int vertex, int subtask, long bytes) =>
        StateSizes[(jobId, vertex, subtask)] = (bytes, new TagList { { "job", job }, { "job_id", jobId }, { "vertex", vertex }, { "subtask", subtask } });

    /// <summary>The job has ended: its gauges go.</summary>
    public static void ForgetJob(string jobId)
    {
        foreach (var key in StateSizes.Keys.Where(k => k.JobId == jobId))
            StateSizes.TryRemove(key, out _);
    }

    // Only watermarks that mean a time: none yet (MinValue) and end of input (MaxValue) are left out.
    private static IEnumerable<(long Value, TimeProvider Clock, TagList Tags)> CurrentWatermarks() => Watermarks.Values
        .Select(w => (Value: w.Watermark(), w.Clock, w.Tags))
        .Where(w => w.Value != long.MinValue && w.Value != long.MaxValue);

    /// <summary>The tags of one subtask's measurements; <c>vertex</c> is its chain's index in the job graph.</summary>
    public static TagList TaskTags(string job, string jobId, int vertex, string task, int subtask) => new()
    {
        { "job", job },
        { "job_id", jobId },
        { "vertex", vertex },
        { "task", task },
        { "subtask", subtask },
    };
}
