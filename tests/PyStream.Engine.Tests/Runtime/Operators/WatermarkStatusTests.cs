using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Tests.Harness;

namespace PyStream.Engine.Tests.Runtime.Operators;

/// <summary>An operator's watermark is the minimum over its active inputs; idle inputs do not hold it back.</summary>
public sealed class WatermarkStatusTests
{
    [Fact]
    public void IdleInputsAreLeftOutOfTheMinimum()
    {
        using var harness = new OperatorHarness<PassThroughOperator>(new PassThroughOperator(inputCount: 2));
        harness.ProcessWatermark(0, 100);
        Assert.Empty(harness.Output.Watermarks); // input 1 holds it back

        harness.Operator.ProcessWatermarkStatus(1, idle: true);
        Assert.Equal([100], harness.Output.Watermarks);

        harness.Operator.ProcessWatermarkStatus(1, idle: false);
        harness.ProcessWatermark(1, 50); // back, but behind: the watermark never goes back
        harness.ProcessWatermark(0, 200);
        harness.ProcessWatermark(1, 150);

        Assert.Equal([100, 150], harness.Output.Watermarks);
    }

    [Fact]
    public void WhenEveryInputIsIdleTheOperatorIsIdleDownstream()
    {
        using var harness = new OperatorHarness<PassThroughOperator>(new PassThroughOperator(inputCount: 2));
        harness.Operator.ProcessWatermarkStatus(0, idle: true);
        harness.Operator.ProcessWatermarkStatus(1, idle: true);
        harness.Operator.ProcessWatermarkStatus(0, idle: false);

        Assert.Equal(["idle", "active"], harness.Output.Events);
    }
}
