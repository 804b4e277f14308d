using PyStream.Engine.Graph;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;
using PyStream.Engine.Tests.Harness;
using static PyStream.Engine.Tests.Windowing.FakeWindowContents;

namespace PyStream.Engine.Tests.Windowing;

/// <summary>The window operator window by window, with a stand-in for the Python contents.</summary>
public sealed class WindowOperatorTests
{
    private static WindowAssignerSpec Tumbling(long size, long offset = 0, bool eventTime = true) =>
        new() { Kind = WindowAssignerSpec.Types.Kind.Tumbling, SizeMs = size, OffsetMs = offset, EventTime = eventTime };

    private static WindowAssignerSpec Sliding(long size, long slide) =>
        new() { Kind = WindowAssignerSpec.Types.Kind.Sliding, SizeMs = size, SlideMs = slide, EventTime = true };

    private static WindowAssignerSpec Session(long gap) =>
        new() { Kind = WindowAssignerSpec.Types.Kind.Session, GapMs = gap, EventTime = true };

    private static WindowAssignerSpec Global() => new() { Kind = WindowAssignerSpec.Types.Kind.Global };

    private static (OperatorHarness<WindowOperator> Harness, FakeWindowContents Contents) Window(
        WindowAssignerSpec assigner, TriggerSpec? trigger = null, long lateness = 0, string lateTag = "")
    {
        var spec = new WindowSpec { Assigner = assigner, AllowedLatenessMs = lateness, LateDataTag = lateTag };
        if (trigger is not null)
            spec.Trigger = trigger;
        var contents = new FakeWindowContents();
        return (new OperatorHarness<WindowOperator>(new WindowOperator("window", 1, JobSpecModel.Window(spec), inputCount: 1), python: contents), contents);
    }

    [Fact]
    public void TumblingEventTimeWindowsFireWhenTheWatermarkPassesTheirEnd()
    {
        var (h, c) = Window(Tumbling(5_000));
        h.ProcessBatch(0, Record("a", 1, 1_000));
        h.ProcessBatch(0, Record("a", 2, 4_999));
        h.ProcessBatch(0, Record("a", 3, 5_000));
        h.ProcessWatermark(0, 4_998);
        Assert.Empty(c.Fired);
        h.ProcessWatermark(0, 4_999);
        Assert.Equal(["a [0,5000) 1,2"], c.Fired);
        h.EndInput(0);
        Assert.Equal(["a [0,5000) 1,2", "a [5000,10000) 3"], c.Fired);
        Assert.Equal([4_998, 4_999, long.MaxValue], h.Output.Watermarks);
    }

    [Fact]
    public void TumblingWindowStartsFollowOffsetsAndNegativeTimestamps()
    {
        var (h, c) = Window(Tumbling(5_000, offset: 1_000));
        h.ProcessBatch(0, Record("a", 1, 500));
        h.ProcessBatch(0, Record("a", 2, -1));
        h.ProcessBatch(0, Record("a", 3, 1_000));
        h.EndInput(0);
        Assert.Equal(["a [-4000,1000) 1,2", "a [1000,6000) 3"], c.Fired);
    }

    [Fact]
    public void SlidingWindowsHoldEveryWindowOfTheRecordAndFireInOrderOfTheirEnd()
    {
        var (h, c) = Window(Sliding(10_000, 5_000));
        h.ProcessBatch(0, Record("a", 1, 3_000));
        h.ProcessBatch(0, Record("b", 2, 7_000));
        h.EndInput(0);
        Assert.Equal(["a [-5000,5000) 1", "a [0,10000) 1", "b [0,10000) 2", "b [5000,15000) 2"], c.Fired);
    }

    [Fact]
    public void SessionWindowsMergeWhenTheyOverlapOrTouch()
    {
        var (h, c) = Window(Session(2_000));
        h.ProcessBatch(0, Record("a", 1, 1_000)); // [1000,3000)
        h.ProcessBatch(0, Record("a", 2, 5_000)); // [5000,7000)
        h.ProcessBatch(0, Record("a", 3, 3_000)); // [3000,5000): touches both
        h.ProcessBatch(0, Record("b", 4, 3_500));
        h.ProcessBatch(0, Record("a", 5, 20_000));
        h.EndInput(0);
        Assert.Equal(["b [3500,5500) 4", "a [1000,7000) 1,2,3", "a [20000,22000) 5"], c.Fired);
    }

    [Fact]
    public void SessionTimersOfMergedWindowsDoNotFireTheOldWindows()
    {
        var (h, c) = Window(Session(1_000));
        h.ProcessBatch(0, Record("a", 1, 0));
        h.ProcessBatch(0, Record("a", 2, 900));
        h.ProcessWatermark(0, 999); // the first window's end, merged away
        Assert.Empty(c.Fired);
        h.ProcessWatermark(0, 1_899);
        Assert.Equal(["a [0,1900) 1,2"], c.Fired);
    }

    [Fact]
    public void PurgingCountTriggerFiresEveryNRecordsAndAnIncompleteWindowNeverFires()
    {
        var (h, c) = Window(Global(), new TriggerSpec { Kind = TriggerSpec.Types.Kind.Count, Count = 2, Purging = true });
        foreach (var (key, value) in new[] { ("a", 1L), ("b", 2L), ("a", 3L), ("a", 4L), ("a", 5L), ("a", 6L), ("b", 7L), ("a", 8L) })
            h.ProcessBatch(0, Record(key, value, long.MinValue));
        h.EndInput(0);
        Assert.Equal([
            $"a [{long.MinValue},{long.MaxValue}) 1,3",
            $"a [{long.MinValue},{long.MaxValue}) 4,5",
            $"b [{long.MinValue},{long.MaxValue}) 2,7",
            $"a [{long.MinValue},{long.MaxValue}) 6,8",
        ], c.Fired);
    }

    [Fact]
    public void CountTriggerWithoutPurgingKeepsTheContents()
    {
        var (h, c) = Window(Global(), new TriggerSpec { Kind = TriggerSpec.Types.Kind.Count, Count = 2 });
        for (var v = 1; v <= 4; v++)
            h.ProcessBatch(0, Record("a", v, long.MinValue));
        Assert.Equal([$"a [{long.MinValue},{long.MaxValue}) 1,2", $"a [{long.MinValue},{long.MaxValue}) 1,2,3,4"], c.Fired);
    }

    [Fact]
    public void LateRecordsWithinAllowedLatenessRefireAndLaterOnesGoToTheLateOutput()
    {
        var (h, c) = Window(Tumbling(5_000), lateness: 1_000, lateTag: "late");
        h.ProcessBatch(0, Record("a", 1, 1_000));
        h.ProcessWatermark(0, 5_500);
        Assert.Equal(["a [0,5000) 1"], c.Fired);

        h.ProcessBatch(0, Record("a", 2, 3_000)); // behind the watermark, within lateness: fires again at once
        Assert.Equal(["a [0,5000) 1", "a [0,5000) 1,2"], c.Fired);

        h.ProcessWatermark(0, 5_999); // cleanup: max timestamp 4999 + lateness 1000
        h.ProcessBatch(0, Record("a", 3, 4_000));
        Assert.Equal(["late 3"], c.Late);
        Assert.Equal(2, c.Fired.Count);
        Assert.Contains("Clear a [0,5000)", c.Log);
    }

    [Fact]
    public void RecordsWithoutTimestampsFailEventTimeWindowsWithFlinksMessage()
    {
        var (h, _) = Window(Tumbling(1_000));
        var error = Assert.Throws<PyStreamException>(() => h.ProcessBatch(0, Record("a", 1, long.MinValue)));
        Assert.Contains("assign_timestamps_and_watermarks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProcessingTimeWindowsFireFromTheInjectedClock()
    {
        var (h, c) = Window(Tumbling(1_000, eventTime: false));
        var now = h.Time.GetUtcNow().ToUnixTimeMilliseconds(); // a whole second (the harness starts at 12:00:00)
        h.ProcessBatch(0, Record("a", 1, long.MinValue));
        h.AdvanceTime(TimeSpan.FromMilliseconds(998));
        Assert.Empty(c.Fired);
        h.AdvanceTime(TimeSpan.FromMilliseconds(1));
        Assert.Equal([$"a [{now},{now + 1_000}) 1"], c.Fired);
    }

    [Fact]
    public void ContinuousEventTimeTriggerFiresEveryIntervalAndAtTheEnd()
    {
        var (h, c) = Window(Tumbling(3_000), new TriggerSpec { Kind = TriggerSpec.Types.Kind.ContinuousEventTime, IntervalMs = 1_000 });
        h.ProcessBatch(0, Record("a", 1, 100));
        h.ProcessWatermark(0, 1_000);
        h.ProcessBatch(0, Record("a", 2, 1_500));
        h.ProcessWatermark(0, 2_000);
        h.ProcessWatermark(0, 2_999);
        Assert.Equal(["a [0,3000) 1", "a [0,3000) 1,2", "a [0,3000) 1,2"], c.Fired);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void ShufflingWithinTheOutOfOrdernessBoundDoesNotChangeWindowResults(int seed)
    {
        const long bound = 700;
        var ordered = Enumerable.Range(0, 200).Select(i => (Key: i % 3 == 0 ? "a" : "b", Value: (long)i, Timestamp: i * 97L)).ToList();
        var random = new Random(seed);
        // Shuffle: every record moves back by at most `bound` in time, so none is behind max - bound.
        var shuffled = ordered.OrderBy(r => r.Timestamp + random.NextInt64(bound)).ToList();

        var expected = Results(ordered);
        var actual = Results(shuffled);
        // Windows ending together may fire in either key's order (as in Flink); the results are the same.
        Assert.Equal(expected.Order(), actual.Order());
        Assert.Equal(expected.Select(End), actual.Select(End));

        static long End(string fired) => long.Parse(fired.Split(',')[1].Split(')')[0], System.Globalization.CultureInfo.InvariantCulture);

        static List<string> Results(List<(string Key, long Value, long Timestamp)> records)
        {
            var (h, c) = Window(Tumbling(1_000));
            var max = long.MinValue;
            foreach (var (key, value, timestamp) in records)
            {
                h.ProcessBatch(0, Record(key, value, timestamp));
                max = Math.Max(max, timestamp);
                h.ProcessWatermark(0, max - bound - 1); // a watermark after every record: the strictest case
            }

            h.EndInput(0);
            Assert.Empty(c.Late);
            return c.Fired.Select(f => string.Join(' ', f.Split(' ')[..2]) + " " + string.Join(',', f.Split(' ')[2].Split(',').Order())).ToList();
        }
    }

    [Fact]
    public void APythonTriggerIsAskedAboutEveryRecordAndEveryTimerItSets()
    {
        var (h, c) = Window(Tumbling(1_000), new TriggerSpec { Kind = TriggerSpec.Types.Kind.Python });
        h.ProcessBatch(0, Record("a", 1, 100));
        h.ProcessBatch(0, Record("a", 2, 200));
        // What the Python trigger does through the segment host: a timer in the window's namespace.
        h.Operator.RegisterEventTimeTimer(0, new PyStream.Engine.Windowing.Window(0, 1_000).Namespaced(System.Text.Encoding.UTF8.GetBytes("a")), 500);
        h.ProcessWatermark(0, 600);

        Assert.Equal(["Add a [0,1000)", "TriggerElement a [0,1000)", "Add a [0,1000)", "TriggerElement a [0,1000)", "TriggerEventTime a [0,1000)"], c.Log);
        Assert.Empty(c.Fired); // only the trigger's answers fire a window
    }

    [Fact]
    public void ContinuousProcessingTimeTriggerFiresEveryIntervalOfTheInjectedClock()
    {
        var (h, c) = Window(Global(), new TriggerSpec { Kind = TriggerSpec.Types.Kind.ContinuousProcessingTime, IntervalMs = 1_000 });
        h.ProcessBatch(0, Record("a", 1, long.MinValue));
        h.AdvanceTime(TimeSpan.FromMilliseconds(1_000));
        h.ProcessBatch(0, Record("a", 2, long.MinValue));
        h.AdvanceTime(TimeSpan.FromMilliseconds(1_000));
        var global = $"[{long.MinValue},{long.MaxValue})";
        Assert.Equal([$"a {global} 1", $"a {global} 1,2"], c.Fired);
    }

    [Fact]
    public void ProcessingTimeSessionsMergeAndFireAfterTheGap()
    {
        var (h, c) = Window(new WindowAssignerSpec { Kind = WindowAssignerSpec.Types.Kind.Session, GapMs = 1_000 });
        var start = h.Time.GetUtcNow().ToUnixTimeMilliseconds();
        h.ProcessBatch(0, Record("a", 1, long.MinValue));
        h.AdvanceTime(TimeSpan.FromMilliseconds(500));
        h.ProcessBatch(0, Record("a", 2, long.MinValue)); // extends the session to start + 1500
        h.AdvanceTime(TimeSpan.FromMilliseconds(998));
        Assert.Empty(c.Fired);
        h.AdvanceTime(TimeSpan.FromMilliseconds(1));
        Assert.Equal([$"a [{start},{start + 1_500}) 1,2"], c.Fired);
    }

    [Fact]
    public void ContinuousProcessingTimeTriggerAlsoFiresAtTheWindowEnd()
    {
        var (h, c) = Window(Tumbling(10_000, eventTime: false), new TriggerSpec { Kind = TriggerSpec.Types.Kind.ContinuousProcessingTime, IntervalMs = 5_000 });
        var start = h.Time.GetUtcNow().ToUnixTimeMilliseconds(); // a multiple of 10 s
        h.ProcessBatch(0, Record("a", 1, long.MinValue));
        h.AdvanceTime(TimeSpan.FromMilliseconds(5_000));
        h.ProcessBatch(0, Record("a", 2, long.MinValue)); // in the last, partial interval
        h.AdvanceTime(TimeSpan.FromMilliseconds(4_999));
        Assert.Equal([$"a [{start},{start + 10_000}) 1", $"a [{start},{start + 10_000}) 1,2"], c.Fired);
    }

    [Fact]
    public void KeysWhoseWindowsAreAllCleanedUpGiveTheirIdsBack()
    {
        var spec = new WindowSpec { Assigner = Tumbling(1_000), NativeAggregate = NativeWindowAggregate.NativeCount };
        using var h = new OperatorHarness<WindowOperator>(new WindowOperator("window", 1, JobSpecModel.Window(spec), inputCount: 1));
        for (var i = 0; i < 5_000; i++)
        {
            // A new key in each second; the watermark passes the previous second's window.
            h.ProcessBatch(0, Record($"user-{i}", 1, i * 1_000L));
            h.ProcessWatermark(0, (i * 1_000L) + 999);
        }

        Assert.InRange(h.Operator.KeyIdsAllocated, 1, 1_100); // idle keys are kept up to a bound, then their ids reused
        var fired = h.Output.Batches.OfType<PyStream.Engine.Records.TextBatch>().SelectMany(b => b.Lines).ToList();
        Assert.Equal(5_000, fired.Count);
        Assert.Equal($"({Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes("user-4999"))},4999000,5000000,1)", fired[^1]);
        Assert.Equal(5_000, fired.Distinct().Count()); // a reused id never prints another key's name
    }
}

