using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;
using PyStream.Network.Protocol;
using PyStream.Network.Wire;

namespace PyStream.Network.Channels;

/// <summary>
/// The producer side of one network channel (Flink's result subpartition): what one producer subtask
/// sends one consumer subtask in another process. Its <see cref="EdgeWriter"/> writes here as into a
/// local gate; each event is serialized on the writer's thread into a queue of at most
/// <see cref="NetworkSettings.MaxBuffersPerChannel"/> frames, and a full queue blocks the writer
/// (backpressure, measured as for a local channel). The consumer's request sends the queue in order:
/// a batch only against a credit, events (watermarks, barriers, end of partition) without one.
/// </summary>
internal sealed class RemoteSubpartition : IChannelTarget
{
    private readonly Channel<Frame> _queue;
    private readonly SemaphoreSlim _credits = new(0);
    private readonly IPythonBatchWire? _python;
    private volatile int _batchLimit = int.MaxValue;
    private int _backlog;
    private int _claimed;
    private volatile NetworkChannelException? _failure;

    public RemoteSubpartition(string partition, int index, NetworkSettings settings, IPythonBatchWire? python)
    {
        Partition = partition;
        Index = index;
        _python = python;
        _queue = Channel.CreateBounded<Frame>(new BoundedChannelOptions(settings.MaxBuffersPerChannel)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string Partition { get; }

    public int Index { get; }

    /// <summary>The consumer's batch limit, as its last credit announced it.</summary>
    public int BatchLimit => _batchLimit;

    /// <summary>Bytes of the frames sent so far (what a benchmark divides by records).</summary>
    public long BytesSent { get; private set; }

    /// <summary>Frames sent so far.</summary>
    public long FramesSent => Volatile.Read(ref _framesSent);

    private long _framesSent;

    /// <summary>
    /// Called on the buffer timeout's thread, which must not throw: a broken channel, or a batch that does not
    /// encode, leaves the batch buffered, and the task's own next write fails with the reason.
    /// </summary>
    public bool TryWrite(InputEvent inputEvent)
    {
        if (_failure is not null)
            return false;
        Frame frame;
        try
        {
            frame = Encode(inputEvent);
        }
        catch (Exception)
        {
            return false;
        }

        if (_queue.Writer.TryWrite(frame))
        {
            ReleasePython(inputEvent);
            return true;
        }

        Withdraw(frame);
        return false;
    }

    /// <summary>
    /// The task's own write: its batch is never used again, sent or not (a write that fails fails the task), so
    /// Python records are dropped as soon as they are pickled, in the same GIL hold.
    /// </summary>
    public double Write(InputEvent inputEvent, CancellationToken cancellation)
    {
        var frame = Encode(inputEvent, release: true);
        if (_queue.Writer.TryWrite(frame))
            return 0;

        var blocked = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            _queue.Writer.WriteAsync(frame, cancellation).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is ChannelClosedException or OperationCanceledException)
        {
            Withdraw(frame);
            if (_failure is { } failure)
                throw new NetworkChannelException(failure.Message, failure);
            throw;
        }

        return System.Diagnostics.Stopwatch.GetElapsedTime(blocked).TotalMilliseconds;
    }

    /// <summary>The first consumer's request claims the subpartition; a second one is refused.</summary>
    public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

    /// <summary>Sends the queue to the consumer until the end of partition, against the credits <see cref="AddCredit"/> grants.</summary>
    public async Task SendAsync(IAsyncStreamWriter<ProducerMessage> output, CancellationToken cancellation)
    {
        var reader = _queue.Reader;
        long sequence = 0;
        while (await reader.WaitToReadAsync(cancellation).ConfigureAwait(false))
        {
            while (reader.TryPeek(out var next))
            {
                if (next.IsData)
                    await _credits.WaitAsync(cancellation).ConfigureAwait(false);
                reader.TryRead(out var frame);
                var backlog = frame.IsData ? Interlocked.Decrement(ref _backlog) : Volatile.Read(ref _backlog);
                var message = new ProducerMessage { Sequence = sequence++, Backlog = backlog, Payload = UnsafeByteOperations.UnsafeWrap(frame.Bytes.Written) };
                try
                {
                    await output.WriteAsync(message, cancellation).ConfigureAwait(false);
                }
                finally
                {
                    BytesSent += frame.Bytes.Length;
                    Interlocked.Increment(ref _framesSent);
                    frame.Bytes.Return();
                }

                if (frame.IsEnd)
                    return;
            }
        }
    }

    /// <summary>The consumer has room for <paramref name="credit"/> more batches, each of at most <paramref name="batchLimit"/> records.</summary>
    public void AddCredit(int credit, int batchLimit)
    {
        if (batchLimit > 0)
            _batchLimit = batchLimit;
        if (credit > 0)
            _credits.Release(credit);
    }

    /// <summary>The channel broke: a blocked or later write fails with <paramref name="reason"/>, queued frames are dropped.</summary>
    public void Fail(string reason, Exception? cause = null)
    {
        var failure = cause is null ? new NetworkChannelException(reason) : new NetworkChannelException(reason, cause);
        _failure ??= failure;
        _queue.Writer.TryComplete(failure);
        while (_queue.Reader.TryRead(out var dropped))
            dropped.Bytes.Return();
    }

    /// <summary>Once its frame is queued, a batch of Python records is this channel's to drop (a try that failed leaves it the caller's, to try again).</summary>
    private void ReleasePython(InputEvent inputEvent)
    {
        if (inputEvent.Batch is PythonBatch py)
            _python?.Release(py);
    }

    private Frame Encode(InputEvent inputEvent, bool release = false)
    {
        if (_failure is { } failure)
            throw new NetworkChannelException(failure.Message, failure);
        var bytes = new WireWriter(inputEvent.Kind == InputEventKind.Batch ? 64 * 1024 : 64);
        FrameFormat.Write(inputEvent, bytes, _python, release);
        if (bytes.Length > NetworkSettings.MaxFrameBytes)
        {
            bytes.Return();
            throw new NetworkChannelException($"a batch of {inputEvent.Batch!.Count} records is {bytes.Length} bytes serialized, more than a network frame's {NetworkSettings.MaxFrameBytes}");
        }

        var isData = inputEvent.Kind == InputEventKind.Batch;
        if (isData)
            Interlocked.Increment(ref _backlog);
        return new Frame(bytes, isData, inputEvent.Kind == InputEventKind.EndOfPartition);
    }

    private void Withdraw(Frame frame)
    {
        if (frame.IsData)
            Interlocked.Decrement(ref _backlog);
        frame.Bytes.Return();
    }

    private readonly record struct Frame(WireWriter Bytes, bool IsData, bool IsEnd);
}
