using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Tests.Harness;

namespace PyStream.Engine.Tests.Runtime.Operators;

public sealed class CollectSinkOperatorTests
{
    [Fact]
    public void PickledBatchesQueueUnderTheCollectId()
    {
        using var harness = new OperatorHarness<CollectSinkOperator>(new CollectSinkOperator("collect", 1, "results", limit: 0));
        var first = new BytesBatch([1], 3);
        var second = new BytesBatch([2], 4);

        harness.ProcessBatch(0, first);
        harness.ProcessBatch(0, second);

        Assert.Equal([first, second], harness.Environment.Results.Drain("results"));
        Assert.Empty(harness.Environment.Results.Drain("results"));
        Assert.Empty(harness.Environment.Results.Drain("other"));
        Assert.False(harness.JobFinishRequested);
    }

    [Fact]
    public void ReachingTheLimitFinishesTheJobAndDropsLaterBatches()
    {
        using var harness = new OperatorHarness<CollectSinkOperator>(new CollectSinkOperator("collect", 1, "results", limit: 5));

        harness.ProcessBatch(0, new BytesBatch([1], 3));
        Assert.False(harness.JobFinishRequested);

        harness.ProcessBatch(0, new BytesBatch([2], 3));
        harness.ProcessBatch(0, new BytesBatch([3], 3));

        Assert.True(harness.JobFinishRequested);
        Assert.Equal([3, 3], harness.Environment.Results.Drain("results").Select(b => b.Count));
    }

    [Fact]
    public void RejectsUnpickledRecords()
    {
        using var harness = new OperatorHarness<CollectSinkOperator>(new CollectSinkOperator("collect", 1, "results", limit: 0));

        Assert.Throws<PyStreamException>(() => harness.ProcessBatch(0, new TextBatch(["a"])));
    }
}
