using PyStream.Cluster.Protocol;
using PyStream.Engine.Runtime.Cluster;
using PyStream.Gateway.Cluster;

namespace PyStream.Gateway.Tests.Cluster;

/// <summary>
/// Jobs never share a worker (and so its interpreter) unless both set <c>pystream.cluster.shared-workers</c>. Three
/// workers a, b, c of 2 slots each, placed in that order; the expected slots follow the placement rule by hand:
/// the workers a job may use, spread over (first free slot of each, then the second).
/// </summary>
public sealed class WorkerIsolationTests : IDisposable
{
    private readonly SchedulerHarness _harness = new(slots: 2, ["a", "b", "c"]);

    public void Dispose() => _harness.Dispose();

    private string A => _harness.Sessions[0].Worker.Id;

    private string B => _harness.Sessions[1].Worker.Id;

    private string C => _harness.Sessions[2].Worker.Id;

    [Fact]
    public void A_second_job_takes_only_workers_running_no_other_job_and_a_third_waits_saying_why_though_slots_are_free()
    {
        var first = Schedule("first", parallelism: 2);
        var second = Schedule("second", parallelism: 2);
        var third = Schedule("third", parallelism: 1);

        Assert.Equal([(A, 0), (B, 0)], SlotsOf(first));
        Assert.Equal([(C, 0), (C, 1)], SlotsOf(second)); // a and b have a free slot each, but run the first job
        Assert.Empty(third.Placement);
        Assert.Equal("waiting for slots: 1 slots needed, 0 free of 0 on 0 workers running no other job; 3 workers run other jobs (2 slots free there), "
            + "and jobs share workers only when each sets pystream.cluster.shared-workers: true", third.Waiting);

        Finish("first", A, B);
        // The next look (every 100 ms of the fake clock, on the thread pool) finds a and b free: the third job takes a.
        Assert.True(AdvanceUntil(() => third.Placement.Count > 0));
        Assert.Equal([(A, 0)], SlotsOf(third));
    }

    [Fact]
    public void Jobs_that_both_set_shared_workers_share_them()
    {
        var first = Schedule("first", parallelism: 2, shared: true);
        var second = Schedule("second", parallelism: 3, shared: true);

        Assert.Equal([(A, 0), (B, 0)], SlotsOf(first));
        Assert.Equal([(A, 1), (B, 1), (C, 0)], SlotsOf(second));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void A_job_that_shares_and_one_that_does_not_never_meet_on_a_worker(bool firstShares, bool secondShares)
    {
        var first = Schedule("first", parallelism: 2, shared: firstShares);
        var second = Schedule("second", parallelism: 2, shared: secondShares);

        Assert.Equal([(A, 0), (B, 0)], SlotsOf(first));
        Assert.Equal([(C, 0), (C, 1)], SlotsOf(second));
    }

    [Fact]
    public void A_reactive_job_counts_only_the_slots_of_workers_it_may_use_and_grows_onto_those_another_job_leaves()
    {
        var settings = new Dictionary<string, string>();
        var other = Schedule("other", parallelism: 2);
        Assert.Equal(2, _harness.Scheduler.SlotsFor("reactive", settings)); // c's two; a and b run the other job
        Assert.Equal(6, _harness.Scheduler.SlotsFor("other", settings)); // its own two, and the free ones of a, b and c
        Exception? failure = null;
        var reactive = new ElasticScaling(Reactive: true, TimeSpan.Zero, null, TimeSpan.Zero, 1);
        var grown = _harness.Scheduler.Schedule(Attempt("reactive", parallelism: 2) with { Elastic = reactive, DesiredSlots = 128 }, f => failure = f);
        Assert.Equal([(C, 0), (C, 1)], grown.Placement.Values.Distinct().OrderBy(s => s.Worker, StringComparer.Ordinal).ThenBy(s => s.Slot)
            .Select(s => (s.Worker, s.Slot)));
        Assert.Equal("reactive", ClusterSchedulerTests.Next(_harness.Sessions[2])!.Deploy.JobId);
        Report(C, "reactive", ShareState.Types.State.Running);
        Assert.Null(ClusterSchedulerTests.Next(_harness.Sessions[2])); // nothing more to take: it runs at 2
        Assert.Equal(2, other.Placement.Values.Distinct().Count());

        Finish("other", A, B); // a and b are free for it now: it ends to restart at 6
        Assert.Equal("reactive", ClusterSchedulerTests.Next(_harness.Sessions[2])!.Cancel.AttemptId);
        Report(C, "reactive", ShareState.Types.State.Canceled);
        Assert.Equal(6, Assert.IsType<RescaleRequest>(failure).Slots);
    }

    [Fact]
    public void A_job_may_count_its_own_slots_and_the_free_ones_of_its_workers()
    {
        var settings = new Dictionary<string, string>();
        Schedule("first", parallelism: 1);
        Assert.Equal(6, _harness.Scheduler.SlotsFor("first", settings)); // its slot a/0, a's free a/1, and b and c
        Assert.Equal(4, _harness.Scheduler.SlotsFor("second", settings)); // b and c
    }

    [Fact]
    public void A_setting_that_is_no_boolean_is_refused_with_its_name()
    {
        var attempt = Attempt("job", parallelism: 1) with { Configuration = new Dictionary<string, string> { [ClusterScheduler.SharedWorkersKey] = "maybe" } };
        var refusal = Assert.Throws<PyStream.Engine.PyStreamException>(() => _harness.Scheduler.Schedule(attempt, _ => { }));
        Assert.Equal("pystream.cluster.shared-workers: 'maybe' is not true or false", refusal.Message);
        Assert.All(_harness.Sessions, s => Assert.Null(ClusterSchedulerTests.Next(s)));
    }

    private IScheduledAttempt Schedule(string job, int parallelism, bool shared = false)
    {
        var scheduled = _harness.Scheduler.Schedule(Attempt(job, parallelism, shared), _ => { });
        foreach (var worker in scheduled.Placement.Values.Select(s => s.Worker).Distinct())
            Assert.Equal(job, ClusterSchedulerTests.Next(_harness.Sessions.Single(s => s.Worker.Id == worker))!.Deploy.JobId);
        return scheduled;
    }

    private static ClusterAttempt Attempt(string job, int parallelism, bool shared = false) => ClusterSchedulerTests.Attempt(parallelism) with
    {
        JobId = job,
        AttemptId = job,
        Configuration = shared ? new Dictionary<string, string> { [ClusterScheduler.SharedWorkersKey] = "true" } : new Dictionary<string, string>(),
    };

    /// <summary>The distinct slots of the attempt, in the order it took them (subtask i of its widest vertex in slot i).</summary>
    private static List<(string Worker, int Slot)> SlotsOf(IScheduledAttempt scheduled) =>
        [.. scheduled.Placement.Where(p => p.Key.Vertex == scheduled.Placement.Keys.Max(k => k.Vertex)).OrderBy(p => p.Key.Subtask).Select(p => (p.Value.Worker, p.Value.Slot))];

    private void Finish(string job, params string[] workers)
    {
        foreach (var worker in workers)
            Report(worker, job, ShareState.Types.State.Finished);
    }

    private void Report(string worker, string attempt, ShareState.Types.State state) =>
        _harness.Scheduler.OnReport(worker, new WorkerReport { State = new ShareState { AttemptId = attempt, State = state } });

    /// <summary>Advances the fake clock a poll interval at a time, waiting (bounded) for the scheduler's look on the thread pool.</summary>
    private bool AdvanceUntil(Func<bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!done() && DateTime.UtcNow < deadline)
        {
            _harness.Time.Advance(ClusterScheduler.SlotPollInterval);
            SpinWait.SpinUntil(done, TimeSpan.FromMilliseconds(20));
        }

        return done();
    }
}
