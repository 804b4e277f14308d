using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Partitioning;

namespace PyStream.Engine.Tests.Runtime;

/// <summary>
/// <c>execution.buffer-timeout</c> on an edge: a partly filled output buffer leaves when full or when
/// the timeout has passed since its first record, on the job's injected clock (a fake one here, whose
/// timers fire inside <c>Advance</c>); other events send it first.
/// </summary>
public sealed class BufferTimeoutTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
    private readonly InputGate _gate = new([0, 0], capacity: 64);

    private EdgeWriter Writer(TimeSpan? timeout, int targets = 1, PyStream.Engine.Spec.Partitioning partitioning = PyStream.Engine.Spec.Partitioning.Forward) =>
        new(new BatchRouter(partitioning, targets, 128, python: null, firstTarget: 0), [.. Enumerable.Range(0, targets).Select(t => (_gate, t))],
            CancellationToken.None, default, timeout, _time);

    private void Advance(int millis) => _time.Advance(TimeSpan.FromMilliseconds(millis));

    /// <summary>What reached the consumer so far: a batch as "first+count", other events by kind.</summary>
    private List<string> Received()
    {
        var events = new List<string>();
        while (_gate.Reader.TryRead(out var e))
        {
            events.Add(e.Kind switch
            {
                InputEventKind.Batch => $"{e.Channel}:{((LongRangeBatch)e.Batch!).Start}+{e.Batch!.Count}",
                InputEventKind.Watermark => $"{e.Channel}:wm{e.Watermark}",
                InputEventKind.Barrier => $"{e.Channel}:barrier{e.Barrier!.Id}",
                _ => $"{e.Channel}:{e.Kind}",
            });
        }

        return events;
    }

    [Fact]
    public void SmallBatchesThatOverfillTheQueueFollowWithinMillisecondsNotAnotherTimeout()
    {
        // A slow stream buffers one record per batch; a queue of two events takes two at a time.
        var gate = new InputGate([0], capacity: 2);
        var writer = new EdgeWriter(new BatchRouter(PyStream.Engine.Spec.Partitioning.Forward, 1, 128, python: null, firstTarget: 0), [(gate, 0)],
            CancellationToken.None, default, TimeSpan.FromMilliseconds(100), _time);
        for (var i = 0; i < 4; i++)
            writer.Accept(new LongRangeBatch(i, 1));

        Advance(100);
        Assert.Equal([0L, 1L], Starts());

        Advance(1); // the consumer took both: the rest follows at the first retry
        Assert.Equal([2L, 3L], Starts());

        List<long> Starts()
        {
            var starts = new List<long>();
            while (gate.Reader.TryRead(out var e))
                starts.Add(((LongRangeBatch)e.Batch!).Start);
            return starts;
        }
    }

    [Fact]
    public void TheTimerNeverWaitsForAFullConsumerItSendsWhatFitsAndTriesAgainLater()
    {
        var gate = new InputGate([0], capacity: 2);
        var writer = new EdgeWriter(new BatchRouter(PyStream.Engine.Spec.Partitioning.Forward, 1, 128, python: null, firstTarget: 0), [(gate, 0)],
            CancellationToken.None, default, TimeSpan.FromMilliseconds(100), _time);
        Assert.True(gate.TryWrite(new InputEvent(0, InputEventKind.Watermark, Watermark: 1))); // the consumer is behind: one slot left
        writer.Accept(new LongRangeBatch(0, 1));
        writer.Accept(new LongRangeBatch(1, 1));

        Advance(100); // on a blocking send this would never return: only one of the two parts fits

        Assert.True(gate.Reader.TryRead(out var first) && first.Kind == InputEventKind.Watermark);
        Assert.True(gate.Reader.TryRead(out var sent) && ((LongRangeBatch)sent.Batch!).Start == 0);
        Assert.False(gate.Reader.TryRead(out _));
        Advance(100); // the consumer made room: the rest follows, in order
        Assert.True(gate.Reader.TryRead(out var rest) && ((LongRangeBatch)rest.Batch!).Start == 1);
        Advance(1_000);
        Assert.False(gate.Reader.TryRead(out _));
    }

    [Fact]
    public void APartialBufferLeavesAtTheTimeoutAndNotBefore()
    {
        var writer = Writer(TimeSpan.FromMilliseconds(100));
        writer.Accept(new LongRangeBatch(0, 3));
        Advance(40);
        writer.Accept(new LongRangeBatch(3, 2));
        Advance(59);
        Assert.Empty(Received());
        Advance(1); // 100 ms after the first record was buffered
        Assert.Equal(["0:0+3", "0:3+2"], Received());

        // The next timeout counts from the next first record, not from the last flush.
        Advance(500);
        writer.Accept(new LongRangeBatch(5, 1));
        Advance(99);
        Assert.Empty(Received());
        Advance(1);
        Assert.Equal(["0:5+1"], Received());
    }

    [Fact]
    public void AFullBufferLeavesAtOnce()
    {
        var writer = Writer(TimeSpan.FromMilliseconds(100));
        writer.Accept(new LongRangeBatch(0, EdgeWriter.FullBatch - 10));
        Assert.Empty(Received());
        writer.Accept(new LongRangeBatch(EdgeWriter.FullBatch - 10, 10));
        Assert.Equal([$"0:0+{EdgeWriter.FullBatch - 10}", $"0:{EdgeWriter.FullBatch - 10}+10"], Received());
        writer.Accept(new LongRangeBatch(EdgeWriter.FullBatch, EdgeWriter.FullBatch));
        Assert.Equal([$"0:{EdgeWriter.FullBatch}+{EdgeWriter.FullBatch}"], Received());
        Advance(1_000);
        Assert.Empty(Received()); // nothing left for the timer
    }

    [Fact]
    public void ZeroSendsEveryBatchAsProduced()
    {
        var writer = Writer(TimeSpan.Zero);
        writer.Accept(new LongRangeBatch(0, 1));
        writer.Accept(new LongRangeBatch(1, 2));
        Assert.Equal(["0:0+1", "0:1+2"], Received());
    }

    [Fact]
    public void DisabledSendsOnlyFullBuffersWhateverTheTime()
    {
        var writer = Writer(timeout: null);
        writer.Accept(new LongRangeBatch(0, 5));
        Advance(3_600_000);
        Assert.Empty(Received());
        writer.Accept(new LongRangeBatch(5, EdgeWriter.FullBatch - 5));
        Assert.Equal(["0:0+5", $"0:5+{EdgeWriter.FullBatch - 5}"], Received());
    }

    [Fact]
    public void WatermarksBarriersAndEndOfInputFollowTheRecordsBufferedBeforeThem()
    {
        var writer = Writer(timeout: null);
        writer.Accept(new LongRangeBatch(0, 2));
        writer.AcceptWatermark(10);
        writer.Accept(new LongRangeBatch(2, 1));
        writer.AcceptBarrier(new CheckpointBarrier(7, 0, SnapshotKind.Checkpoint));
        writer.Accept(new LongRangeBatch(3, 4));
        writer.AcceptWatermarkStatus(idle: true);
        writer.Accept(new LongRangeBatch(7, 1));
        writer.EndOfInput();
        Assert.Equal(["0:0+2", "0:wm10", "0:2+1", "0:barrier7", "0:3+4", "0:WatermarkStatus", "0:7+1", "0:EndOfPartition"], Received());
    }

    [Fact]
    public void EachConsumerHasItsOwnBufferAndOneTimeoutSendsThemAll()
    {
        var writer = Writer(TimeSpan.FromMilliseconds(50), targets: 2, PyStream.Engine.Spec.Partitioning.Broadcast);
        writer.Accept(new LongRangeBatch(0, 2));
        Advance(49);
        Assert.Empty(Received());
        Advance(1);
        Assert.Equal(["0:0+2", "1:0+2"], Received());
    }

    [Fact]
    public void ABufferSentEarlyCancelsItsTimeoutAndTheNextBufferGetsAWholeOne()
    {
        var writer = Writer(TimeSpan.FromMilliseconds(100));
        writer.Accept(new LongRangeBatch(0, 1));
        Advance(50);
        writer.AcceptWatermark(5); // sends the buffer first
        writer.Accept(new LongRangeBatch(1, 1));
        Assert.Equal(["0:0+1", "0:wm5"], Received());
        Advance(50); // when the first buffer's timeout would have been
        Assert.Empty(Received());
        Advance(50);
        Assert.Equal(["0:1+1"], Received());
    }
}
