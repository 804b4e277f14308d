using PyStream.Engine.Graph;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;
using PyStream.Engine.Tests.Harness;

namespace PyStream.Engine.Tests.Runtime.Operators;

public sealed class WatermarkAssignerOperatorTests
{
    private static OperatorHarness<WatermarkAssignerOperator> Harness(WatermarkSpec.Types.Kind kind, long outOfOrderness = 0, long idleness = 0, bool batch = false)
    {
        var spec = new WatermarkSpec { Kind = kind, OutOfOrdernessMs = outOfOrderness, IdlenessMs = idleness, IntervalMs = 200 };
        return new OperatorHarness<WatermarkAssignerOperator>(new WatermarkAssignerOperator("wm", JobSpecModel.Watermarks(spec), batch));
    }

    private static LongRangeBatch Stamped(params long[] timestamps) => new(0, timestamps.Length) { Timestamps = timestamps };

    [Fact]
    public void BoundedOutOfOrdernessEmitsMaxTimestampMinusBoundMinusOneEveryInterval()
    {
        using var harness = Harness(WatermarkSpec.Types.Kind.BoundedOutOfOrderness, outOfOrderness: 1_000);
        harness.ProcessBatch(0, Stamped(5_000, 3_000));
        Assert.Empty(harness.Output.Watermarks); // nothing until the interval elapses

        harness.AdvanceTime(TimeSpan.FromMilliseconds(200));
        harness.ProcessBatch(0, Stamped(4_000)); // behind the max: the watermark does not move back
        harness.AdvanceTime(TimeSpan.FromMilliseconds(200));
        harness.ProcessBatch(0, Stamped(7_500));
        harness.AdvanceTime(TimeSpan.FromMilliseconds(200));

        Assert.Equal([3_999, 6_499], harness.Output.Watermarks);
        Assert.Equal(3, harness.Output.Batches.Count);
    }

    [Fact]
    public void MonotonousWatermarkIsMaxTimestampMinusOneAndEndOfInputSendsTheFinalWatermark()
    {
        using var harness = Harness(WatermarkSpec.Types.Kind.Monotonous);
        harness.ProcessBatch(0, Stamped(10, 20));
        harness.AdvanceTime(TimeSpan.FromMilliseconds(200));
        harness.ProcessWatermark(0, 1_000_000); // upstream watermarks do not pass
        harness.EndInput(0);

        Assert.Equal([19, long.MaxValue], harness.Output.Watermarks);
        Assert.Equal(1, harness.Output.EndOfInputCount);
    }

    [Fact]
    public void NoWatermarksStrategyEmitsOnlyTheFinalWatermark()
    {
        using var harness = Harness(WatermarkSpec.Types.Kind.None);
        harness.ProcessBatch(0, Stamped(10));
        harness.AdvanceTime(TimeSpan.FromSeconds(5));
        harness.EndInput(0);

        Assert.Equal([long.MaxValue], harness.Output.Watermarks);
    }

    [Fact]
    public void BatchModeEmitsOnlyTheFinalWatermark()
    {
        using var harness = Harness(WatermarkSpec.Types.Kind.Monotonous, batch: true);
        harness.ProcessBatch(0, Stamped(10));
        harness.AdvanceTime(TimeSpan.FromSeconds(5));
        harness.EndInput(0);

        Assert.Equal([long.MaxValue], harness.Output.Watermarks);
    }

    [Fact]
    public void AnInputWithoutRecordsForTheIdlenessTimeoutGoesIdleAndARecordWakesIt()
    {
        using var harness = Harness(WatermarkSpec.Types.Kind.Monotonous, idleness: 1_000);
        harness.ProcessBatch(0, Stamped(100));
        harness.AdvanceTime(TimeSpan.FromMilliseconds(200));
        for (var i = 0; i < 4; i++)
            harness.AdvanceTime(TimeSpan.FromMilliseconds(200));
        harness.ProcessBatch(0, Stamped(300));
        harness.AdvanceTime(TimeSpan.FromMilliseconds(200));

        Assert.Equal(["batch(1)", "watermark(99)", "idle", "active", "batch(1)", "watermark(299)"], harness.Output.Events);
    }
}
