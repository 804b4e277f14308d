using PyStream.Engine.Graph;
using PyStream.Engine.Settings;
using PyStream.Engine.Spec;

namespace PyStream.Engine.Runtime.Cluster;

/// <summary>
/// Flink's adaptive scheduler (<c>jobmanager.scheduler: adaptive</c>) and its reactive mode (<c>scheduler-mode: reactive</c>)
/// for a streaming job on a cluster: the job runs at the parallelism the free slots allow, at most its desired one (the
/// configured parallelism; in reactive mode the max parallelism), and a change of the slots restarts it from its latest
/// checkpoint at the new parallelism, key groups and source splits redistributed as on a rescaled restore.
/// </summary>
public sealed record ElasticScaling(bool Reactive, TimeSpan StabilizationTimeout, TimeSpan? ResourceWaitTimeout, TimeSpan ScalingIntervalMin, int MinParallelismIncrease)
{
    public const string SchedulerKey = "jobmanager.scheduler";
    public const string ModeKey = "scheduler-mode";
    public const string StabilizationTimeoutKey = "jobmanager.adaptive-scheduler.resource-stabilization-timeout";
    public const string ResourceWaitTimeoutKey = "jobmanager.adaptive-scheduler.resource-wait-timeout";
    public const string ScalingIntervalMinKey = "jobmanager.adaptive-scheduler.scaling-interval.min";
    public const string MinParallelismIncreaseKey = "jobmanager.adaptive-scheduler.min-parallelism-increase";

    /// <summary>The settings in effect; null when the job keeps its parallelism (the default scheduler, or a BATCH job, as in Flink).</summary>
    public static ElasticScaling? From(IReadOnlyDictionary<string, string> configuration, bool batch)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reactive = SettingValues.Get(configuration, ModeKey) is { } mode && Choice(mode, ModeKey, "reactive");
        var adaptive = SettingValues.Get(configuration, SchedulerKey) is { } scheduler && Choice(scheduler, SchedulerKey, "adaptive");
        if (!(reactive || adaptive) || batch)
            return null;
        TimeSpan Duration(string key, TimeSpan fallback) => SettingValues.Get(configuration, key) is { } text ? Durations.Parse(text, key) : fallback;
        // Reactive mode waits for slots forever and starts as soon as there are any (Flink's defaults for it).
        TimeSpan? wait = SettingValues.Get(configuration, ResourceWaitTimeoutKey) is { } waitText
            ? (waitText.StartsWith('-') ? null : Durations.Parse(waitText, ResourceWaitTimeoutKey))
            : (reactive ? null : TimeSpan.FromMinutes(5));
        return new ElasticScaling(reactive,
            Duration(StabilizationTimeoutKey, reactive ? TimeSpan.Zero : TimeSpan.FromSeconds(10)),
            wait,
            Duration(ScalingIntervalMinKey, TimeSpan.FromSeconds(30)),
            SettingValues.Get(configuration, MinParallelismIncreaseKey) is { } increase ? SettingValues.Int(increase, MinParallelismIncreaseKey, 1) : 1);
    }

    /// <summary>The slots the job would take if it had them all: its highest desired parallelism.</summary>
    public int DesiredSlots(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Parallelisms(spec, int.MaxValue).Values.DefaultIfEmpty(1).Max();
    }

    /// <summary>
    /// <paramref name="spec"/> with every operator at its desired parallelism bounded by <paramref name="slots"/>; a
    /// non-parallel source (a collection) stays at 1. Workers build the same graph from the spec they are sent.
    /// </summary>
    public JobSpec Rescale(JobSpec spec, int slots)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        var rescaled = spec.Clone();
        var parallelisms = Parallelisms(spec, slots);
        foreach (var transformation in rescaled.Transformations)
        {
            if (parallelisms.TryGetValue(transformation.Id, out var parallelism))
                transformation.Parallelism = parallelism;
        }

        rescaled.Parallelism = parallelisms.Values.DefaultIfEmpty(1).Max();
        return rescaled;
    }

    private Dictionary<int, int> Parallelisms(JobSpec spec, int slots)
    {
        var maxParallelism = spec.MaxParallelism > 0 ? spec.MaxParallelism : JobGraphBuilder.DefaultMaxParallelism;
        var defaultParallelism = spec.Parallelism > 0 ? spec.Parallelism : 1;
        return spec.Transformations
            .Where(t => t.BodyCase is not (Transformation.BodyOneofCase.Union or Transformation.BodyOneofCase.SideOutput))
            .ToDictionary(t => t.Id, t =>
            {
                if (t.BodyCase == Transformation.BodyOneofCase.Source && t.Source.KindCase == SourceSpec.KindOneofCase.Collection)
                    return 1;
                var desired = Reactive ? maxParallelism : (t.Parallelism > 0 ? t.Parallelism : defaultParallelism);
                return Math.Min(desired, slots);
            });
    }

    private static bool Choice(string text, string key, string elastic) => text.Trim().ToLowerInvariant() switch
    {
        var value when value == elastic => true,
        "default" => false,
        _ => throw new PyStreamException($"{key}: '{text}' is not one of default, {elastic}"),
    };
}

/// <summary>
/// How a cluster attempt ends when the slots changed under an elastic job: the job restarts at once from its latest
/// checkpoint at the parallelism <see cref="Slots"/> allow; no failure, and no restart of its strategy.
/// </summary>
public sealed class RescaleRequest(int slots, string reason) : PyStreamException($"rescaling to {slots} slots: {reason}")
{
    public int Slots { get; } = slots;
}
