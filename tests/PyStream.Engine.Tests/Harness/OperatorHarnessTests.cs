using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Time;

namespace PyStream.Engine.Tests.Harness;

/// <summary>The harness drives processing-time timers through its mailbox as a task would.</summary>
public sealed class OperatorHarnessTests
{
    [Fact]
    public void TimersFireOnlyWhenTheTestAdvancesTheClockAndRunsTheMailbox()
    {
        using var harness = new OperatorHarness<DelayOperator>(new DelayOperator());
        var start = harness.Timers.Now;

        harness.ProcessBatch(0, new LongRangeBatch(0, 50));
        harness.ProcessBatch(0, new LongRangeBatch(0, 20));

        Assert.Equal(0, harness.AdvanceTime(TimeSpan.FromMilliseconds(19)));
        Assert.Empty(harness.Output.Batches);

        Assert.Equal(1, harness.AdvanceTime(TimeSpan.FromMilliseconds(1)));
        Assert.Equal([start + 20], harness.Output.Batches.Cast<LongRangeBatch>().Select(b => b.Start));

        harness.Time.Advance(TimeSpan.FromMilliseconds(30));
        Assert.Equal(1, harness.PendingMailboxActions);
        Assert.Single(harness.Output.Batches);

        Assert.Equal(1, harness.RunMailbox());
        Assert.Equal([start + 20, start + 50], harness.Output.Batches.Cast<LongRangeBatch>().Select(b => b.Start));
    }

    [Fact]
    public void TaskInfoAndEnvironmentReachTheOperator()
    {
        using var harness = new OperatorHarness<DelayOperator>(new DelayOperator(), subtask: 2, parallelism: 4);

        Assert.Equal(2, harness.Context.Info.SubtaskIndex);
        Assert.Equal(4, harness.Context.Info.Parallelism);
        Assert.Same(harness.Time, harness.Context.Time);
        Assert.Null(harness.Context.Python);
    }

    /// <summary>Emits, for each batch of n records, one record n milliseconds later: the firing time.</summary>
    private sealed class DelayOperator() : StreamOperator("delay", inputCount: 1, portCount: 1), ITimerTarget
    {
        public override void ProcessBatch(int input, Batch batch) =>
            Context.Timers.Register(this, 0, [], Context.Timers.Now + batch.Count);

        public void OnTimers(int operation, TimeDomain domain, IReadOnlyList<FiredTimer> timers)
        {
            foreach (var timer in timers)
                Emit(0, new LongRangeBatch(timer.Timestamp, 1));
        }
    }
}
