using System.Text;
using PyStream.Engine.Keys;

namespace PyStream.Engine.Tests.Keys;

public sealed class KeyGroupsTests
{
    /// <summary>MurmurHash3_x86_32 with seed 0, from the reference implementation's published vectors.</summary>
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("00", 0x514E28B7u)]
    [InlineData("0000", 0x30F4C306u)]
    [InlineData("000000", 0x85F0B427u)]
    [InlineData("00000000", 0x2362F9DEu)]
    [InlineData("FFFFFFFF", 0x76293B50u)]
    [InlineData("21", 0x72661CF4u)]
    [InlineData("2143", 0xA0F7B07Au)]
    [InlineData("214365", 0x7E4A8634u)]
    [InlineData("21436587", 0xF55B516Bu)]
    public void Murmur3MatchesReferenceVectors(string hex, uint expected)
    {
        Assert.Equal(expected, (uint)KeyGroups.Murmur3(Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData("hello", 0x248BFA47u)]
    [InlineData("Hello, world!", 0xC0363E43u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x2E4FF723u)]
    public void Murmur3MatchesReferenceOnText(string text, uint expected)
    {
        Assert.Equal(expected, (uint)KeyGroups.Murmur3(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void HashDependsOnContentOnlyNotOnTheBufferOrItsPosition()
    {
        var key = "user-42"u8.ToArray();
        var inside = new byte[key.Length + 5];
        key.CopyTo(inside, 3);

        var hash = KeyGroups.Murmur3(key);

        Assert.Equal(hash, KeyGroups.Murmur3(key.ToArray()));
        Assert.Equal(hash, KeyGroups.Murmur3(inside.AsSpan(3, key.Length)));
        Assert.NotEqual(hash, KeyGroups.Murmur3("user-43"u8));
    }

    [Fact]
    public void KeyGroupIsTheUnsignedHashModuloMaxParallelism()
    {
        for (var i = 0; i < 1_000; i++)
        {
            var key = BitConverter.GetBytes(i);
            var group = KeyGroups.KeyGroupOf(key, 128);
            Assert.InRange(group, 0, 127);
            Assert.Equal((int)((uint)KeyGroups.Murmur3(key) % 128), group);
        }
    }

    [Theory]
    [InlineData(128, 1)]
    [InlineData(128, 3)]
    [InlineData(128, 4)]
    [InlineData(128, 128)]
    [InlineData(7, 3)]
    [InlineData(32_768, 5)]
    public void SubtaskFollowsFlinksFormulaAndCoversEverySubtask(int maxParallelism, int parallelism)
    {
        var subtasks = Enumerable.Range(0, maxParallelism)
            .Select(group => KeyGroups.SubtaskOf(group, maxParallelism, parallelism))
            .ToArray();

        for (var group = 0; group < maxParallelism; group++)
            Assert.Equal((int)((long)group * parallelism / maxParallelism), subtasks[group]);
        Assert.Equal(Enumerable.Range(0, parallelism), subtasks.Distinct().Order());
        // Each subtask owns one contiguous range of key groups.
        Assert.True(subtasks.Zip(subtasks.Skip(1)).All(pair => pair.First <= pair.Second));
    }

    [Fact]
    public void SubtaskOfKeyComposesKeyGroupAndSubtask()
    {
        var key = "sensor-7"u8;
        var group = KeyGroups.KeyGroupOf(key, 128);

        Assert.Equal(group * 4 / 128, KeyGroups.SubtaskOf(key, 128, 4));
    }
}
