using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Tests.Harness;

namespace PyStream.Engine.Tests.Runtime.Operators;

public sealed class PrintSinkOperatorTests
{
    private static OperatorHarness<PrintSinkOperator> Harness(string identifier, int subtask, int parallelism, bool toStderr = false) =>
        new(new PrintSinkOperator("print", 1, identifier, toStderr, subtask, parallelism), subtask, parallelism);

    [Theory]
    [InlineData("", 0, 1, "")]
    [InlineData("", 0, 2, "1> ")]
    [InlineData("", 1, 2, "2> ")]
    [InlineData("sink", 0, 1, "sink> ")]
    [InlineData("sink", 0, 2, "sink:1> ")]
    [InlineData("sink", 1, 2, "sink:2> ")]
    public void PrefixesFollowFlinksPrintSink(string identifier, int subtask, int parallelism, string prefix)
    {
        using var harness = Harness(identifier, subtask, parallelism);

        harness.ProcessBatch(0, new LongRangeBatch(5, 2));
        harness.ProcessBatch(0, new TextBatch(["a", "b"]));
        harness.ProcessBatch(0, new TextBatch("c\nd", 2));

        Assert.Equal($"{prefix}5\n{prefix}6\n{prefix}a\n{prefix}b\n{prefix}c\n{prefix}d\n", harness.Stdout.ToString());
        Assert.Empty(harness.Stderr.ToString());
    }

    [Fact]
    public void NegativeAndLargeNumbersPrintInvariantly()
    {
        using var harness = Harness("", 0, 1);

        harness.ProcessBatch(0, new LongRangeBatch(-1, 2, step: long.MaxValue));

        Assert.Equal($"-1\n{long.MaxValue - 1}\n", harness.Stdout.ToString());
    }

    [Fact]
    public void ToStderrWritesToStderr()
    {
        using var harness = Harness("err", 0, 1, toStderr: true);

        harness.ProcessBatch(0, new TextBatch(["oops"]));

        Assert.Equal("err> oops\n", harness.Stderr.ToString());
        Assert.Empty(harness.Stdout.ToString());
    }

    [Fact]
    public void BytesCannotBePrinted()
    {
        using var harness = Harness("", 0, 1);

        var error = Assert.Throws<PyStreamException>(() => harness.ProcessBatch(0, new BytesBatch([1], 1)));
        Assert.Contains("BytesBatch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EndOfInputPrintsNothingMore()
    {
        using var harness = Harness("", 0, 1);

        harness.ProcessBatch(0, new TextBatch(["x"]));
        harness.EndInput(0);

        Assert.Equal("x\n", harness.Stdout.ToString());
    }

    [Fact]
    public void EmptyBatchPrintsNothing()
    {
        using var harness = Harness("", 0, 1);

        harness.ProcessBatch(0, new TextBatch([]));

        Assert.Empty(harness.Stdout.ToString());
    }
}
