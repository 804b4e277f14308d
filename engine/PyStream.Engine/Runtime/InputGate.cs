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
/// blocks the producers (backpressure); it never grows without bound.
/// </summary>
internal sealed class InputGate
{
    private readonly Channel<InputEvent> _queue;

    public InputGate(int[] channelInputs, int capacity)
    {
        ChannelInputs = channelInputs;
        _queue = Channel.CreateBounded<InputEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>For each channel, the input (edge index of the head node) it belongs to.</summary>
    public int[] ChannelInputs { get; }

    public ChannelReader<InputEvent> Reader => _queue.Reader;

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
}
