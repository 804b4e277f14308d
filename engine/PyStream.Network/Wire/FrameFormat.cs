using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Network.Wire;

/// <summary>One event of a channel as one frame: a tag byte, then a batch or the event's fields.</summary>
internal static class FrameFormat
{
    private const byte BatchTag = 1, WatermarkTag = 2, WatermarkStatusTag = 3, BarrierTag = 4, EndOfPartitionTag = 5;

    /// <param name="release">Python records are dropped once pickled (<see cref="IPythonBatchWire.Pickle"/>).</param>
    public static void Write(InputEvent e, WireWriter output, IPythonBatchWire? python, bool release = false)
    {
        switch (e.Kind)
        {
            case InputEventKind.Batch:
                output.Byte(BatchTag);
                BatchWireFormat.Write(e.Batch!, output, python, release);
                break;
            case InputEventKind.Watermark:
                output.Byte(WatermarkTag);
                output.VarInt(e.Watermark);
                break;
            case InputEventKind.WatermarkStatus:
                output.Byte(WatermarkStatusTag);
                output.Byte(e.Idle ? (byte)1 : (byte)0);
                break;
            case InputEventKind.Barrier:
                var barrier = e.Barrier!;
                output.Byte(BarrierTag);
                output.VarInt(barrier.Id);
                output.VarInt(barrier.Timestamp);
                output.Byte((byte)barrier.Kind);
                output.Byte(barrier.Drain ? (byte)1 : (byte)0);
                break;
            case InputEventKind.EndOfPartition:
                output.Byte(EndOfPartitionTag);
                break;
            default:
                throw new WireFormatException($"a {e.Kind} event has no wire form");
        }
    }

    /// <summary>The event of a whole frame, on <paramref name="channel"/> of the receiving gate.</summary>
    public static InputEvent Read(ReadOnlySpan<byte> frame, int channel, IPythonBatchWire? python)
    {
        var input = new WireReader(frame);
        var tag = input.Byte();
        var e = tag switch
        {
            BatchTag => new InputEvent(channel, InputEventKind.Batch, BatchWireFormat.Read(ref input, python)),
            WatermarkTag => new InputEvent(channel, InputEventKind.Watermark, Watermark: input.VarInt()),
            WatermarkStatusTag => new InputEvent(channel, InputEventKind.WatermarkStatus, Idle: input.Byte() == 1),
            BarrierTag => new InputEvent(channel, InputEventKind.Barrier, Barrier: ReadBarrier(ref input)),
            EndOfPartitionTag => new InputEvent(channel, InputEventKind.EndOfPartition),
            _ => throw new WireFormatException($"unknown frame tag {tag}"),
        };
        input.ExpectEnd();
        return e;
    }

    private static CheckpointBarrier ReadBarrier(ref WireReader input)
    {
        var id = input.VarInt();
        var timestamp = input.VarInt();
        var kind = (SnapshotKind)input.Byte();
        if (!Enum.IsDefined(kind))
            throw new WireFormatException($"unknown snapshot kind {(byte)kind}");
        return new CheckpointBarrier(id, timestamp, kind, input.Byte() == 1);
    }
}
