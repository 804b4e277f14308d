using System.Threading.Channels;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;

namespace PyStream.Engine.Runtime;

internal enum InputEventKind
{
    Batch,
    Watermark,

    /// <summary>The channel went idle or active again (<see cref="InputEvent.Idle"/>).</summary>
    WatermarkStatus,
    EndOfPartition,
    Barrier,
}

internal readonly record struct InputEvent(int Channel, InputEventKind Kind, Batch? Batch = null, long Watermark = 0, CheckpointBarrier? Barrier = null,
    bool Idle = false);

/// <summary>
/// The input side of a task: one bounded queue shared by all its channels. A full queue
/// blocks the producers (backpressure); it never grows without bound. With an in-flight
/// target (Flink's buffer debloating), producers cut what they send into batches of at most
/// <see cref="BatchLimit"/> records, sized by the task's measured time per record so that a
/// full queue holds about the target's worth of work: a barrier queued behind it waits about
/// that long, however slow the task's function is.
/// </summary>
internal sealed class InputGate : IChannelTarget
{
    /// <summary>Batches before the task's first measurement: small, as the task may be slow.</summary>
    public const int FirstBatchLimit = 256;

    /// <summary>The largest batch limit: a fast task takes whatever its producers send.</summary>
    private const int MostRecords = 1 << 20;

    private readonly Channel<InputEvent> _queue;
    private readonly BatchSizer? _sizer;
    private volatile int _batchLimit = MostRecords;

    /// <param name="inFlightTarget">How long the task should take over a full queue; null: batches are never cut for it.</param>
    public InputGate(int[] channelInputs, int capacity, TimeSpan? inFlightTarget = null)
    {
        ChannelInputs = channelInputs;
        if (inFlightTarget is { } target)
        {
            _sizer = new BatchSizer(MostRecords, target.TotalMilliseconds / capacity, FirstBatchLimit);
            _batchLimit = _sizer.Limit;
        }

        _queue = Channel.CreateBounded<InputEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>For each channel, the input (edge index of the head node) it belongs to.</summary>
    public int[] ChannelInputs { get; }

    public ChannelReader<InputEvent> Reader => _queue.Reader;

    /// <summary>The most records a producer should put in one batch for this task (read by the producers' threads).</summary>
    public int BatchLimit => _batchLimit;

    /// <summary>The task handled a batch of <paramref name="records"/> in <paramref name="millis"/> (on the task's thread).</summary>
    public void OnProcessed(int records, double millis)
    {
        if (_sizer is null)
            return;
        _sizer.Observe(records, millis);
        _batchLimit = _sizer.Limit;
    }

    /// <summary>Writes one event if the queue has room now.</summary>
    public bool TryWrite(InputEvent inputEvent) => _queue.Writer.TryWrite(inputEvent);

    /// <summary>Writes one event; returns how long the producer was held back by a full queue (ms).</summary>
    public double Write(InputEvent inputEvent, CancellationToken cancellation)
    {
        if (_queue.Writer.TryWrite(inputEvent))
            return 0;
        var blocked = System.Diagnostics.Stopwatch.GetTimestamp();
        _queue.Writer.WriteAsync(inputEvent, cancellation).AsTask().GetAwaiter().GetResult();
        return System.Diagnostics.Stopwatch.GetElapsedTime(blocked).TotalMilliseconds;
    }

    /// <summary>Writes one event, waiting without a thread while the queue is full (a network channel's receiver).</summary>
    public ValueTask WriteAsync(InputEvent inputEvent, CancellationToken cancellation) => _queue.Writer.WriteAsync(inputEvent, cancellation);
}
