using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Tests.Harness;

namespace PyStream.Engine.Tests.Runtime.Operators;

public sealed class SourceOperatorTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-source-");

    public void Dispose() => _root.Delete(recursive: true);

    /// <summary>Drives a source as its task does: EmitNext until exhausted, then Complete.</summary>
    private static RecordingConsumer Drain(SourceOperator source, int subtask = 0, int parallelism = 1)
    {
        using var harness = new OperatorHarness<SourceOperator>(source, subtask, parallelism);
        var calls = 0;
        while (source.EmitNext())
            Assert.True(++calls < 1_000, "the source never reported exhaustion");
        source.Complete();
        return harness.Output;
    }

    private static List<long> Numbers(RecordingConsumer output) =>
        output.Batches.Cast<LongRangeBatch>().SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b[i])).ToList();

    [Fact]
    public void NumberSequenceSplitsContiguouslyAsFlinkDoes()
    {
        var shares = Enumerable.Range(0, 3)
            .Select(s => Numbers(Drain(new NumberSequenceSourceOperator("n", 1, 100, s, 3), s, 3)))
            .ToList();

        Assert.Equal(Enumerable.Range(1, 34).Select(i => (long)i), shares[0]);
        Assert.Equal(Enumerable.Range(35, 33).Select(i => (long)i), shares[1]);
        Assert.Equal(Enumerable.Range(68, 33).Select(i => (long)i), shares[2]);
    }

    [Fact]
    public void LongNumberSequenceEmitsSeveralBatchesInOrderThenEnds()
    {
        var output = Drain(new NumberSequenceSourceOperator("n", 0, 300_000, 0, 1));

        Assert.Equal(Enumerable.Range(0, 300_001).Select(i => (long)i), Numbers(output));
        Assert.True(output.Batches.Count > 1);
        Assert.Equal([$"watermark({long.MaxValue})", "end"], output.Events.TakeLast(2));
    }

    [Fact]
    public void EmptyNumberSequenceOnlyEnds()
    {
        var output = Drain(new NumberSequenceSourceOperator("n", 10, 9, 0, 1));

        Assert.Empty(output.Batches);
        Assert.Equal(1, output.EndOfInputCount);
    }

    [Fact]
    public void NumberSequenceReachesLongMaxValue()
    {
        var output = Drain(new NumberSequenceSourceOperator("n", long.MaxValue - 2, long.MaxValue, 0, 1));

        Assert.Equal([long.MaxValue - 2, long.MaxValue - 1, long.MaxValue], Numbers(output));
    }

    [Fact]
    public void TextFilesAreListedInNameOrderAndDealtToSubtasks()
    {
        foreach (var name in new[] { "b.txt", "a.txt", "c.txt", ".hidden", "_SUCCESS" })
            File.WriteAllText(Path.Combine(_root.FullName, name), $"{name} 1\n{name} 2\n");

        var first = Drain(new TextFileSourceOperator("f", [_root.FullName], 0, 2), 0, 2);
        var second = Drain(new TextFileSourceOperator("f", [_root.FullName], 1, 2), 1, 2);

        Assert.Equal(["a.txt 1", "a.txt 2", "c.txt 1", "c.txt 2"], first.Batches.Cast<TextBatch>().SelectMany(b => b.Lines));
        Assert.Equal(["b.txt 1", "b.txt 2"], second.Batches.Cast<TextBatch>().SelectMany(b => b.Lines));
        Assert.Equal(1, second.EndOfInputCount);
    }

    [Fact]
    public void MissingPathIsNamedInTheError()
    {
        var missing = Path.Combine(_root.FullName, "missing.txt");

        var error = Assert.Throws<PyStreamException>(() => TextFileSourceOperator.ListFiles([missing]));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}
