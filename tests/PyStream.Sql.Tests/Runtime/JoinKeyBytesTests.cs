using PyStream.Sql.Runtime;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>
/// Join keys held inline (up to 16 bytes) or in an array, equal only to the same bytes; and the index that
/// finds them, against a dictionary of the same keys (as strings) through adds and removals.
/// </summary>
public sealed class JoinKeyBytesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(40)]
    public void A_key_equals_its_bytes_only_and_is_written_back_as_them(int length)
    {
        var bytes = Enumerable.Range(1, length).Select(i => (byte)i).ToArray();
        var other = bytes.ToArray();
        if (length > 0)
            other[^1] ^= 0xFF;
        var key = new JoinKeyBytes(bytes);

        Assert.True(key.Equals(bytes));
        Assert.Equal(length > 0, !key.Equals(other));
        Assert.False(key.Equals([.. bytes, 0])); // a longer key with the same start
        Assert.Equal(bytes, key.CopyTo(new byte[length]).ToArray());
    }

    [Theory]
    [InlineData(1)] // every key has the same hash: one run of slots, which removals must keep whole
    [InlineData(7)]
    [InlineData(int.MaxValue)]
    public void The_index_finds_every_key_added_and_none_removed(int hashes)
    {
        var keys = new List<JoinKeyBytes>();
        var index = new JoinKeyIndex(number => ref System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keys)[number]);
        var model = new Dictionary<string, int>();
        var random = new Random(3);
        static int Hash(byte[] bytes, int hashes) => (int)(BitConverter.ToUInt32(bytes) % (uint)hashes);

        for (var step = 0; step < 5_000; step++)
        {
            var bytes = BitConverter.GetBytes(random.Next(800)).Concat(new byte[random.Next(0, 20)]).ToArray();
            var text = Convert.ToHexString(bytes);
            if (random.Next(3) == 0)
            {
                index.Remove(bytes, Hash(bytes, hashes));
                model.Remove(text);
            }
            else if (!model.ContainsKey(text))
            {
                index.Add(Hash(bytes, hashes), keys.Count);
                model[text] = keys.Count;
                keys.Add(new JoinKeyBytes(bytes));
            }

            if (step % 500 == 0 || step == 4_999)
            {
                Assert.Equal(model.Count, index.Count);
                foreach (var (text2, number) in model)
                {
                    var found = Convert.FromHexString(text2);
                    Assert.Equal(number, index.Find(found, Hash(found, hashes)));
                }

                Assert.Equal(model.Values.Order(), index.Numbers().Order());
            }
        }

        Assert.Equal(-1, index.Find([9, 9, 9, 9, 9], Hash([9, 9, 9, 9, 9], hashes)));
    }
}
