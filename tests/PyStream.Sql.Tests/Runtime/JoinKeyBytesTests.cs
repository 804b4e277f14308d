using PyStream.Sql.Runtime;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>Join keys held inline (up to 16 bytes) or in an array: found by their bytes, equal only to the same bytes.</summary>
public sealed class JoinKeyBytesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(40)]
    public void A_key_is_found_by_its_bytes_and_written_back_as_them(int length)
    {
        var bytes = Enumerable.Range(1, length).Select(i => (byte)i).ToArray();
        var other = bytes.ToArray();
        if (length > 0)
            other[^1] ^= 0xFF;
        var keys = new Dictionary<JoinKeyBytes, int>(JoinKeyBytes.Comparer.Instance) { [new JoinKeyBytes(bytes)] = 1 };
        var lookup = keys.GetAlternateLookup<ReadOnlySpan<byte>>();

        Assert.True(lookup.TryGetValue(bytes, out var found));
        Assert.Equal(1, found);
        Assert.Equal(length > 0, !lookup.ContainsKey(other));
        Assert.False(lookup.ContainsKey([.. bytes, 0])); // a longer key with the same start
        Assert.True(keys.ContainsKey(new JoinKeyBytes(bytes.ToArray())));
        Assert.Equal(bytes, new JoinKeyBytes(bytes).CopyTo(new byte[length]).ToArray());
    }
}
