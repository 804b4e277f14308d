using PyStream.Network.Wire;

namespace PyStream.Network.Tests.Wire;

/// <summary>
/// What a writer hands out through <see cref="System.Buffers.IBufferWriter{T}"/> (the Python bridge copies a
/// pickle into it natively) must be room in the buffer the frame is sent from, also when asking grows it.
/// </summary>
public sealed class WireWriterTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoomAskedForPastTheBufferIsInTheGrownBuffer(bool asMemory)
    {
        var output = new WireWriter(64);
        output.Bytes(Enumerable.Repeat((byte)1, 60).ToArray());

        var room = asMemory ? output.GetMemory(1000).Span : output.GetSpan(1000);
        Assert.True(room.Length >= 1000, $"asked for 1000 bytes, given {room.Length}");
        room[..1000].Fill(2);
        output.Advance(1000);

        Assert.Equal(1060, output.Length);
        Assert.Equal(Enumerable.Repeat((byte)1, 60).Concat(Enumerable.Repeat((byte)2, 1000)), output.Written.ToArray());
        output.Return();
    }
}
