using System.Buffers.Binary;
using System.Numerics;

namespace PyStream.Engine.Keys;

/// <summary>
/// Key -> key group -> subtask, as Flink assigns them, but hashing the key's canonical bytes
/// (never a process-salted hash) so every process and every run agrees.
/// </summary>
public static class KeyGroups
{
    public static int KeyGroupOf(ReadOnlySpan<byte> key, int maxParallelism) =>
        (int)((uint)Murmur3(key) % (uint)maxParallelism);

    /// <summary>Flink's <c>KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup</c>.</summary>
    public static int SubtaskOf(int keyGroup, int maxParallelism, int parallelism) =>
        keyGroup * parallelism / maxParallelism;

    public static int SubtaskOf(ReadOnlySpan<byte> key, int maxParallelism, int parallelism) =>
        SubtaskOf(KeyGroupOf(key, maxParallelism), maxParallelism, parallelism);

    /// <summary>MurmurHash3 x86 32-bit, seed 0.</summary>
    public static int Murmur3(ReadOnlySpan<byte> data)
    {
        const uint c1 = 0xcc9e2d51, c2 = 0x1b873593;
        uint h = 0;
        var blocks = data.Length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4, 4));
            k *= c1;
            k = BitOperations.RotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = BitOperations.RotateLeft(h, 13);
            h = (h * 5) + 0xe6546b64;
        }

        uint tail = 0;
        var rest = data[(blocks * 4)..];
        switch (rest.Length)
        {
            case 3:
                tail ^= (uint)rest[2] << 16;
                goto case 2;
            case 2:
                tail ^= (uint)rest[1] << 8;
                goto case 1;
            case 1:
                tail ^= rest[0];
                tail *= c1;
                tail = BitOperations.RotateLeft(tail, 15);
                tail *= c2;
                h ^= tail;
                break;
        }

        h ^= (uint)data.Length;
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return (int)h;
    }
}
