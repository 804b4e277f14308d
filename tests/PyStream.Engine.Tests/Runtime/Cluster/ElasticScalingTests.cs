using PyStream.Engine.Graph;
using PyStream.Engine.Runtime.Cluster;
using PyStream.Engine.Spec;

namespace PyStream.Engine.Tests.Runtime.Cluster;

/// <summary>The adaptive scheduler's and reactive mode's settings (Flink's keys and defaults), and the rescaled spec a run is built from.</summary>
public sealed class ElasticScalingTests
{
    [Fact]
    public void The_default_scheduler_and_batch_jobs_keep_their_parallelism()
    {
        Assert.Null(ElasticScaling.From(new Dictionary<string, string>(), batch: false));
        Assert.Null(ElasticScaling.From(new Dictionary<string, string> { [ElasticScaling.SchedulerKey] = "default" }, batch: false));
        Assert.Null(ElasticScaling.From(new Dictionary<string, string> { [ElasticScaling.ModeKey] = "reactive" }, batch: true));
    }

    [Fact]
    public void Reactive_mode_starts_as_soon_as_there_are_slots_and_waits_for_them_forever_the_adaptive_scheduler_does_not()
    {
        var reactive = ElasticScaling.From(new Dictionary<string, string> { [ElasticScaling.ModeKey] = "REACTIVE" }, batch: false)!;
        Assert.Equal(new ElasticScaling(true, TimeSpan.Zero, null, TimeSpan.FromSeconds(30), 1), reactive);
        var adaptive = ElasticScaling.From(new Dictionary<string, string> { [ElasticScaling.SchedulerKey] = "adaptive" }, batch: false)!;
        Assert.Equal(new ElasticScaling(false, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), 1), adaptive);
        var configured = ElasticScaling.From(new Dictionary<string, string>
        {
            [ElasticScaling.SchedulerKey] = "adaptive", [ElasticScaling.ResourceWaitTimeoutKey] = "-1", [ElasticScaling.StabilizationTimeoutKey] = "2 s",
            [ElasticScaling.ScalingIntervalMinKey] = "0", [ElasticScaling.MinParallelismIncreaseKey] = "3",
        }, batch: false)!;
        Assert.Equal(new ElasticScaling(false, TimeSpan.FromSeconds(2), null, TimeSpan.Zero, 3), configured);
    }

    [Fact]
    public void A_setting_that_names_no_mode_is_refused_with_its_key()
    {
        var error = Assert.Throws<PyStreamException>(() => ElasticScaling.From(new Dictionary<string, string> { [ElasticScaling.ModeKey] = "elastic" }, batch: false));
        Assert.Equal("scheduler-mode: 'elastic' is not one of default, reactive", error.Message);
    }

    [Fact]
    public void Reactive_mode_runs_every_operator_at_the_slots_up_to_the_max_parallelism_a_collection_source_at_1()
    {
        var reactive = new ElasticScaling(true, TimeSpan.Zero, null, TimeSpan.Zero, 1);
        var spec = Spec(maxParallelism: 4);
        Assert.Equal(4, reactive.DesiredSlots(spec));
        Assert.Equal([1, 3, 3], Parallelisms(reactive.Rescale(spec, 3)));
        Assert.Equal([1, 4, 4], Parallelisms(reactive.Rescale(spec, 6)));
        Assert.Equal(2, spec.Transformations[1].Parallelism); // the submitted spec is left as it was
    }

    [Fact]
    public void The_adaptive_scheduler_runs_each_operator_at_its_configured_parallelism_or_fewer()
    {
        var adaptive = new ElasticScaling(false, TimeSpan.Zero, null, TimeSpan.Zero, 1);
        var spec = Spec(maxParallelism: 128);
        Assert.Equal(5, adaptive.DesiredSlots(spec));
        Assert.Equal([1, 2, 3], Parallelisms(adaptive.Rescale(spec, 3)));
        Assert.Equal([1, 1, 1], Parallelisms(adaptive.Rescale(spec, 1)));
        Assert.Equal([1, 2, 5], Parallelisms(adaptive.Rescale(spec, 8)));
    }

    private static int[] Parallelisms(JobSpec spec) => [.. JobGraphBuilder.Build(spec).Nodes.Select(n => n.Parallelism)];

    /// <summary>A collection source, a map at parallelism 2, a sink at the job's default (5).</summary>
    private static JobSpec Spec(int maxParallelism)
    {
        var spec = new JobSpec { Name = "job", Parallelism = 5, MaxParallelism = maxParallelism };
        spec.Transformations.Add(new Transformation { Id = 1, Name = "collection", Parallelism = 1, Source = new SourceSpec { Collection = new CollectionSource() } });
        var map = new Transformation { Id = 2, Name = "map", Parallelism = 2, Python = new PythonOperatorSpec { Kind = PythonOperatorSpec.Types.Kind.Map } };
        map.Inputs.Add(new Edge { SourceId = 1, Partitioning = PyStream.Engine.Spec.Partitioning.Rebalance });
        var sink = new Transformation { Id = 3, Name = "print", Sink = new SinkSpec { Print = new PrintSink() } };
        sink.Inputs.Add(new Edge { SourceId = 2, Partitioning = PyStream.Engine.Spec.Partitioning.Rebalance });
        spec.Transformations.Add(map);
        spec.Transformations.Add(sink);
        return spec;
    }
}
