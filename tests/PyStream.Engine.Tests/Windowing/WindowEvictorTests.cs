using PyStream.Engine.Graph;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;
using PyStream.Engine.Tests.Checkpointing;
using PyStream.Engine.Tests.Harness;
using PyStream.Engine.Windowing;
using static PyStream.Engine.Tests.Windowing.FakeWindowContents;

namespace PyStream.Engine.Tests.Windowing;

/// <summary>Built-in evictors decided by the window operator: the contents see only Evict actions.</summary>
public sealed class WindowEvictorTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-evictor-");

    public void Dispose() => _root.Delete(recursive: true);

    private static readonly string Global = $"[{long.MinValue},{long.MaxValue})";

    private static (OperatorHarness<WindowOperator> Harness, FakeWindowContents Contents) Window(
        WindowAssignerSpec assigner, EvictorSpec evictor, TriggerSpec? trigger = null)
    {
        var spec = new WindowSpec { Assigner = assigner, Evictor = evictor };
        if (trigger is not null)
            spec.Trigger = trigger;
        var contents = new FakeWindowContents();
        return (new OperatorHarness<WindowOperator>(new WindowOperator("window", 1, JobSpecModel.Window(spec), inputCount: 1), python: contents), contents);
    }

    private static WindowAssignerSpec GlobalWindows() => new() { Kind = WindowAssignerSpec.Types.Kind.Global };

    private static TriggerSpec CountTrigger(long count) => new() { Kind = TriggerSpec.Types.Kind.Count, Count = count };

    private static EvictorSpec Count(long max, bool after = false) => new() { Kind = EvictorSpec.Types.Kind.Count, MaxCount = max, EvictAfter = after };

    private static EvictorSpec Time(long keep, bool after = false) => new() { Kind = EvictorSpec.Types.Kind.Time, KeepMs = keep, EvictAfter = after };

    [Fact]
    public void CountEvictorBeforeTheFunctionKeepsTheLastElementsOfEachFiring()
    {
        // count_window(3, 2): CountEvictor.of(3) with CountTrigger.of(2).
        var (h, c) = Window(GlobalWindows(), Count(3), CountTrigger(2));
        for (var value = 1L; value <= 6; value++)
            h.ProcessBatch(0, Record("a", value, value * 10));
        Assert.Equal([$"a {Global} 1,2", $"a {Global} 2,3,4", $"a {Global} 4,5,6"], c.Fired);
    }

    [Fact]
    public void CountEvictorAfterTheFunctionShowsEverythingThenKeepsTheLast()
    {
        var (h, c) = Window(GlobalWindows(), Count(1, after: true), CountTrigger(2));
        for (var value = 1L; value <= 4; value++)
            h.ProcessBatch(0, Record("a", value, value * 10));
        Assert.Equal([$"a {Global} 1,2", $"a {Global} 2,3,4"], c.Fired);
    }

    [Fact]
    public void TimeEvictorDropsEveryElementAtOrBelowTheNewestTimestampMinusTheKeepTime()
    {
        // Out of order: the elements to drop (100, 300, 400) are not a prefix: three runs go.
        var (h, c) = Window(new WindowAssignerSpec { Kind = WindowAssignerSpec.Types.Kind.Tumbling, SizeMs = 1_000, EventTime = true }, Time(300));
        foreach (var (value, timestamp) in new[] { (1L, 100L), (2L, 800L), (3L, 300L), (4L, 600L), (5L, 400L) })
            h.ProcessBatch(0, Record("a", value, timestamp));
        h.EndInput(0);
        Assert.Equal(["a [0,1000) 2,4"], c.Fired); // cutoff 800 - 300 = 500
        var evicts = c.Log.Where(l => l.StartsWith("Evict", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, evicts.Count);
    }

    [Fact]
    public void TimeEvictorKeepsEverythingWhenTheFirstElementHasNoTimestamp()
    {
        var (h, c) = Window(GlobalWindows(), Time(5), CountTrigger(2));
        h.ProcessBatch(0, Record("a", 1, long.MinValue));
        h.ProcessBatch(0, Record("a", 2, 100));
        Assert.Equal([$"a {Global} 1,2"], c.Fired);
    }

    [Fact]
    public void MergedSessionsEvictOverTheMergedContents()
    {
        var (h, c) = Window(new WindowAssignerSpec { Kind = WindowAssignerSpec.Types.Kind.Session, GapMs = 100, EventTime = true }, Count(2));
        h.ProcessBatch(0, Record("a", 1, 0));
        h.ProcessBatch(0, Record("a", 2, 150));
        h.ProcessBatch(0, Record("a", 3, 80)); // joins both sessions: [0,250)
        h.EndInput(0);
        // As Flink merges list contents: the first window's (1), then the merged one's (2), then
        // the new element (3); CountEvictor.of(2) keeps the last two.
        Assert.Equal(["a [0,250) 2,3"], c.Fired);
    }

    [Fact]
    public void ATriggerWrittenInPythonLeavesTheBuiltInEvictorToThePythonSide()
    {
        var (h, c) = Window(GlobalWindows(), Count(1), new TriggerSpec { Kind = TriggerSpec.Types.Kind.Python });
        h.ProcessBatch(0, Record("a", 1, 10));
        Assert.DoesNotContain(c.Log, l => l.StartsWith("Evict", StringComparison.Ordinal));
    }

    [Fact]
    public void ACountEvictorNeedsAPositiveCount()
    {
        var error = Assert.Throws<PyStreamException>(() => JobSpecModel.Evictor(Count(0)));
        Assert.Contains("count > 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RestoredWindowsEvictByTheTimesTheyHadAtTheCheckpoint()
    {
        // CountEvictor.of(2) fired every 3 records; two records arrive before the checkpoint, one after.
        var (before, _) = Window(GlobalWindows(), Count(2), CountTrigger(3));
        before.Operator.StateKey = "window";
        before.ProcessBatch(0, Record("a", 1, 10));
        before.ProcessBatch(0, Record("a", 2, 20));
        var directory = TestCheckpoints.Write(Path.Combine(_root.FullName, "chk-1"), 1, new TestCheckpoints.OldSubtask(0, 1, before.Snapshot(1)));

        var (after, contents) = Window(GlobalWindows(), Count(2), CountTrigger(3));
        after.Operator.StateKey = "window";
        after.Operator.RestoreState(TestCheckpoints.Restore(directory, ["window"], 0, 1));
        contents.Seed("a", new Window(long.MinValue, long.MaxValue), 1, 2); // what the Python side restores from keyed state
        after.ProcessBatch(0, Record("a", 3, 30));
        Assert.Equal([$"a {Global} 2,3"], contents.Fired);
    }
}
