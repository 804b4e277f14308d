using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Partitioning;
using PyStream.Engine.Settings;

namespace PyStream.Engine.Tests.Runtime;

/// <summary>
/// Buffer debloating: a task's input gate asks its producers for batches it handles in about
/// the in-flight target over its queue's capacity, by its measured time per record, so a
/// barrier queued behind a full queue waits about the target, however slow the task is.
/// </summary>
public sealed class BufferDebloatTests
{
    private static readonly TimeSpan Target = TimeSpan.FromSeconds(1);

    private static EdgeWriter Writer(InputGate gate, int targets = 1, PyStream.Engine.Spec.Partitioning partitioning = PyStream.Engine.Spec.Partitioning.Forward) =>
        new(new BatchRouter(partitioning, targets, 128, python: null, firstTarget: 0), [.. Enumerable.Range(0, targets).Select(t => (gate, t))],
            CancellationToken.None, bufferTimeout: TimeSpan.Zero);

    [Fact]
    public void ASlowTaskAsksForBatchesItHandlesInTheTargetOverItsQueue()
    {
        var gate = new InputGate([0], capacity: 8, Target);
        Assert.Equal(InputGate.FirstBatchLimit, gate.BatchLimit); // not measured yet: small

        gate.OnProcessed(256, millis: 512); // 2 ms per record: 1 s over 8 queued batches is 125 ms, 62 records
        Assert.Equal(62, gate.BatchLimit);

        gate.OnProcessed(62, millis: 0.062); // 0.001 ms per record: the estimate moves halfway, to 1.0005 ms
        Assert.Equal(124, gate.BatchLimit);
    }

    [Fact]
    public void AFastTaskTakesLargeBatchesWhole()
    {
        var gate = new InputGate([0], capacity: 8, Target);
        gate.OnProcessed(256, millis: 0.0256); // 0.1 µs per record
        Assert.True(gate.BatchLimit >= 65_536, $"{gate.BatchLimit}");

        Writer(gate).Accept(new LongRangeBatch(0, 65_536));

        Assert.True(gate.Reader.TryRead(out var e));
        Assert.Equal(65_536, e.Batch!.Count);
    }

    [Fact]
    public void ProducersCutWhatTheySendToTheLimitKeepingOrder()
    {
        var gate = new InputGate([0, 0], capacity: 64, Target);
        gate.OnProcessed(100, millis: 1_000); // 10 ms per record: 1 s over 64 batches is 15.6 ms, one record
        Assert.Equal(1, gate.BatchLimit);
        var writer = Writer(gate, targets: 2, PyStream.Engine.Spec.Partitioning.Rebalance);

        Assert.Equal(2, writer.BatchLimit); // spread over two consumers of one record each
        writer.Accept(new LongRangeBatch(0, 6));

        var received = new List<(int Channel, long Start, int Count)>();
        while (gate.Reader.TryRead(out var e))
            received.Add((e.Channel, ((LongRangeBatch)e.Batch!).Start, e.Batch!.Count));
        Assert.Equal([(0, 0, 1), (0, 2, 1), (0, 4, 1), (1, 1, 1), (1, 3, 1), (1, 5, 1)], received);
    }

    [Fact]
    public void WithoutATargetNothingIsCut()
    {
        var gate = new InputGate([0], capacity: 8);
        gate.OnProcessed(1, millis: 10_000);
        Writer(gate).Accept(new LongRangeBatch(0, 100_000));
        Assert.True(gate.Reader.TryRead(out var e));
        Assert.Equal(100_000, e.Batch!.Count);
    }

    [Theory]
    [InlineData(null, null, 1_000.0)]
    [InlineData("false", null, null)]
    [InlineData(null, "200 ms", 200.0)]
    public void TheSettingsAreFlinks(string? enabled, string? target, double? expectedMillis)
    {
        var configuration = new Dictionary<string, string>();
        if (enabled is not null)
            configuration[BufferDebloat.EnabledKey] = enabled;
        if (target is not null)
            configuration[BufferDebloat.TargetKey] = target;
        Assert.Equal(expectedMillis, BufferDebloat.From(configuration)?.TotalMilliseconds);
    }

    [Fact]
    public void AZeroTargetIsRefused() =>
        Assert.Contains("not a positive duration", Assert.Throws<PyStreamException>(() => BufferDebloat.From(new Dictionary<string, string> { [BufferDebloat.TargetKey] = "0" })).Message);
}
