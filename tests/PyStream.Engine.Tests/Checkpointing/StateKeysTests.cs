using System.Buffers.Binary;
using PyStream.Engine.Keys;
using PyStream.Engine.State;

namespace PyStream.Engine.Tests.Checkpointing;

public sealed class StateKeysTests
{
    private static readonly byte[] IntKey = [0x03, 0, 0, 0, 0, 0, 0, 0, 42];
    private static readonly byte[] TupleKey = [0x10, 0, 0, 0, 2, 0x03, 0x07, 0, 0, 0, 1, 0x06, (byte)'a'];

    /// <summary>Python's encoding of the tuple (cache key, start, end) a window state is stored under.</summary>
    private static byte[] WindowSlot(byte[] cacheKey)
    {
        var bytes = new List<byte> { 0x10 };
        foreach (var element in new[] { cacheKey, Long(0), Long(1000) })
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)element.Length);
            bytes.AddRange(length);
            bytes.AddRange(element);
        }

        return [.. bytes];
    }

    private static byte[] Long(long value)
    {
        var bytes = new byte[9];
        bytes[0] = 0x03;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), value);
        return bytes;
    }

    private static byte[] Wrapped(byte[] canonical) => [0x07, .. canonical];

    [Fact]
    public void KeyedStateIsPartitionedByTheKeyItselfOrTheKeyItWraps()
    {
        Assert.Equal(IntKey, StateKeys.PartitionKey("7/count", IntKey).ToArray());
        Assert.Equal(TupleKey, StateKeys.PartitionKey("7/count", Wrapped(TupleKey)).ToArray());
    }

    [Fact]
    public void WindowStateIsPartitionedByTheKeyInsideItsSlot()
    {
        Assert.Equal(IntKey, StateKeys.PartitionKey("w:9/contents", WindowSlot(IntKey)).ToArray());
        Assert.Equal(TupleKey, StateKeys.PartitionKey("w:9/contents", WindowSlot(Wrapped(TupleKey))).ToArray());
        Assert.Equal(TupleKey, StateKeys.PartitionKey("w:9/window/seen", Wrapped(WindowSlot(Wrapped(TupleKey)))).ToArray());
    }

    [Fact]
    public void BroadcastStateHasNoKeyAndStateIdsNameTheirOperator()
    {
        Assert.Equal(StateKind.Broadcast, StateKeys.KindOf("b:4/broadcast/rules"));
        Assert.Throws<PyStreamException>(() => StateKeys.PartitionKey("b:4/broadcast/rules", IntKey).ToArray());
        Assert.True(StateKeys.BelongsTo("b:4/broadcast/rules", "4"));
        Assert.True(StateKeys.BelongsTo("w:my-uid/contents", "my-uid"));
        Assert.True(StateKeys.BelongsTo("12/total", "12"));
        Assert.False(StateKeys.BelongsTo("12/total", "1"));
        Assert.False(StateKeys.BelongsTo("123/total", "12"));
    }

    [Theory]
    [InlineData(128, 1)]
    [InlineData(128, 3)]
    [InlineData(128, 2)]
    [InlineData(7, 5)]
    public void AKeyGroupRangeHoldsExactlyTheKeyGroupsRoutedToItsSubtask(int maxParallelism, int parallelism)
    {
        for (var keyGroup = 0; keyGroup < maxParallelism; keyGroup++)
        {
            var subtask = KeyGroups.SubtaskOf(keyGroup, maxParallelism, parallelism);
            for (var s = 0; s < parallelism; s++)
                Assert.Equal(s == subtask, KeyGroupRange.Of(maxParallelism, parallelism, s).Contains(keyGroup));
        }
    }
}
