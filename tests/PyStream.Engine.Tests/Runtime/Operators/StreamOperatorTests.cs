using PyStream.Engine.Records;
using PyStream.Engine.Tests.Harness;

namespace PyStream.Engine.Tests.Runtime.Operators;

public sealed class StreamOperatorTests
{
    [Fact]
    public void WatermarkIsTheMinimumOverInputs()
    {
        using var harness = new OperatorHarness<PassThroughOperator>(new PassThroughOperator(inputCount: 2));

        harness.ProcessWatermark(0, 10);
        Assert.Empty(harness.Output.Watermarks);

        harness.ProcessWatermark(1, 5);
        harness.ProcessWatermark(1, 20);
        harness.ProcessWatermark(0, 15);

        Assert.Equal([5, 10, 15], harness.Output.Watermarks);
    }

    [Fact]
    public void WatermarkNeverGoesBackNorRepeats()
    {
        using var harness = new OperatorHarness<PassThroughOperator>(new PassThroughOperator(inputCount: 1));

        harness.ProcessWatermark(0, 10);
        harness.ProcessWatermark(0, 10);
        harness.ProcessWatermark(0, 3);
        harness.ProcessWatermark(0, 11);

        Assert.Equal([10, 11], harness.Output.Watermarks);
    }

    [Fact]
    public void InputThatFallsBackDoesNotLowerTheCombinedWatermark()
    {
        using var harness = new OperatorHarness<PassThroughOperator>(new PassThroughOperator(inputCount: 2));

        harness.ProcessWatermark(0, 10);
        harness.ProcessWatermark(1, 10);
        harness.ProcessWatermark(1, 4);
        harness.ProcessWatermark(0, 12);

        Assert.Equal([10], harness.Output.Watermarks);
    }

    [Fact]
    public void FinishesOnlyAfterEveryInputEnded()
    {
        var op = new PassThroughOperator(inputCount: 2);
        using var harness = new OperatorHarness<PassThroughOperator>(op);
        harness.ProcessWatermark(1, 7);

        harness.EndInput(0);

        Assert.Equal(0, op.FinishCount);
        Assert.Equal(0, harness.Output.EndOfInputCount);
        Assert.Equal([7], harness.Output.Watermarks);

        harness.EndInput(1);

        Assert.Equal(1, op.FinishCount);
        Assert.Equal(["watermark(7)", $"watermark({long.MaxValue})", "end"], harness.Output.Events);
    }

    [Fact]
    public void BatchesReachEveryConsumerOfThePort()
    {
        var op = new PassThroughOperator(inputCount: 1);
        var second = new RecordingConsumer();
        op.Outputs[0].Add(second);
        using var harness = new OperatorHarness<PassThroughOperator>(op);
        var batch = new LongRangeBatch(0, 3);

        harness.ProcessBatch(0, batch);
        harness.EndInput(0);

        Assert.Same(batch, Assert.Single(harness.Output.Batches));
        Assert.Same(batch, Assert.Single(second.Batches));
        Assert.Equal(1, second.EndOfInputCount);
    }
}
