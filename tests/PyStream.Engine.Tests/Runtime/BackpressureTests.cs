using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Partitioning;

namespace PyStream.Engine.Tests.Runtime;

/// <summary>A slow consumer blocks its producers at the gate's capacity; the queue never grows past it.</summary>
public sealed class BackpressureTests
{
    private const int Capacity = 8;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // A zero buffer timeout: each batch goes to the gate as produced, so the gate alone holds the producer back.
    private static EdgeWriter WriterInto(InputGate gate, CancellationToken cancellation) =>
        new(new BatchRouter(Spec.Partitioning.Forward, 1, 128, python: null, firstTarget: 0), [(gate, 0)], cancellation, bufferTimeout: TimeSpan.Zero);

    [Fact]
    public async Task ProducerBlocksAtCapacityUntilTheConsumerReads()
    {
        var gate = new InputGate([0], Capacity);
        using var cancellation = new CancellationTokenSource(Bound);
        var writer = WriterInto(gate, cancellation.Token);
        var written = 0;
        using var done = new ManualResetEventSlim();
        var producer = new Thread(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                writer.Accept(new LongRangeBatch(i, 1));
                Interlocked.Increment(ref written);
            }

            writer.EndOfInput();
            done.Set();
        }) { IsBackground = true };

        producer.Start();

        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref written) == Capacity, Bound));
        // Nothing reads, so the producer can never get further: it is parked in the full gate.
        Assert.False(done.Wait(TimeSpan.FromMilliseconds(100)));
        Assert.Equal(Capacity, Volatile.Read(ref written));
        Assert.Equal(Capacity, gate.Reader.Count);

        var received = new List<long>();
        var maxQueued = 0;
        while (true)
        {
            maxQueued = Math.Max(maxQueued, gate.Reader.Count);
            var next = await gate.Reader.ReadAsync(cancellation.Token);
            if (next.Kind == InputEventKind.EndOfPartition)
                break;
            received.Add(((LongRangeBatch)next.Batch!).Start);
        }

        Assert.True(done.Wait(Bound));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), received);
        Assert.InRange(maxQueued, 1, Capacity);
    }

    [Fact]
    public void CancellationReleasesABlockedProducer()
    {
        var gate = new InputGate([0], Capacity);
        using var cancellation = new CancellationTokenSource();
        var writer = WriterInto(gate, cancellation.Token);
        Exception? thrown = null;
        using var done = new ManualResetEventSlim();
        var producer = new Thread(() =>
        {
            try
            {
                while (true)
                    writer.Accept(new LongRangeBatch(0, 1));
            }
            catch (Exception error)
            {
                thrown = error;
            }

            done.Set();
        }) { IsBackground = true };
        producer.Start();
        Assert.True(SpinWait.SpinUntil(() => gate.Reader.Count == Capacity, Bound));

        cancellation.Cancel();

        Assert.True(done.Wait(Bound));
        Assert.IsAssignableFrom<OperationCanceledException>(thrown);
        Assert.Equal(Capacity, gate.Reader.Count);
    }

    [Fact]
    public void WatermarksThatDoNotAdvanceAreNotSent()
    {
        var gate = new InputGate([0], Capacity);
        var writer = WriterInto(gate, CancellationToken.None);

        writer.AcceptWatermark(5);
        writer.AcceptWatermark(5);
        writer.AcceptWatermark(3);
        writer.AcceptWatermark(9);

        var sent = new List<long>();
        while (gate.Reader.TryRead(out var next))
            sent.Add(next.Watermark);
        Assert.Equal([5, 9], sent);
    }
}
