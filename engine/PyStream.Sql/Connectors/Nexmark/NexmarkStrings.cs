using System.Globalization;

namespace PyStream.Sql.Connectors.Nexmark;

/// <summary>
/// The string values of Flink Nexmark's model: the fixed lists (names, cities, states, hot
/// channels), the channel and URL tables built once from a fixed seed, random words, and the
/// shared text that <c>extra</c> strings are cut from (as Flink's generator does, so an extra costs
/// one substring, not one random draw per character).
/// </summary>
internal static class NexmarkStrings
{
    public const int MinWordLength = 3;

    public const int ChannelCount = 10_000;

    public static readonly string[] States = ["AZ", "CA", "ID", "OR", "WA", "WY"];

    public static readonly string[] Cities =
        ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"];

    public static readonly string[] FirstNames = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"];

    public static readonly string[] LastNames = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"];

    /// <summary>Every "first last" pair, indexed first * LastNames.Length + last, so a name costs no allocation.</summary>
    public static readonly string[] FullNames =
        FirstNames.SelectMany(first => LastNames.Select(last => first + " " + last)).ToArray();

    public static readonly string[] HotChannels = ["Google", "Facebook", "Baidu", "Apple"];

    public static readonly string[] HotUrls;

    public static readonly string[] Channels;

    public static readonly string[] ChannelUrls;

    /// <summary>Random lowercase text that extras are cut from; longer than any extra.</summary>
    public static readonly string ExtraText;

    static NexmarkStrings()
    {
        var random = new NexmarkRandom(seed: 0x4E65786D61726BL, eventNumber: -1);
        HotUrls = HotChannels.Select(_ => BaseUrl(ref random)).ToArray();
        Channels = new string[ChannelCount];
        ChannelUrls = new string[ChannelCount];
        for (var i = 0; i < ChannelCount; i++)
        {
            Channels[i] = "channel-" + i.ToString(CultureInfo.InvariantCulture);
            var url = BaseUrl(ref random);
            if (random.NextInt(10) > 0)
                url += "&channel_id=" + Math.Abs((long)ReverseBits(i)).ToString(CultureInfo.InvariantCulture);
            ChannelUrls[i] = url;
        }

        ExtraText = string.Create(1 << 16, random, static (chars, state) =>
        {
            for (var i = 0; i < chars.Length; i++)
                chars[i] = (char)('a' + state.NextInt(26));
        });
    }

    /// <summary>
    /// Draws a word of 3 to <paramref name="maxLength"/> - 1 letters, each letter being
    /// <paramref name="special"/> one time in 13, into <paramref name="buffer"/>; returns its length
    /// once trimmed of spaces at either end (the draws are the same whether or not the caller keeps it).
    /// </summary>
    public static Span<char> DrawWord(ref NexmarkRandom random, int maxLength, char special, Span<char> buffer)
    {
        var length = MinWordLength + random.NextInt(maxLength - MinWordLength);
        var word = buffer[..length];
        for (var i = 0; i < length; i++)
            word[i] = random.NextInt(13) == 0 ? special : (char)('a' + random.NextInt(26));
        return special == ' ' ? word.Trim(' ') : word;
    }

    /// <summary>
    /// The length of an extra that pads <paramref name="currentSize"/> bytes to
    /// <paramref name="averageSize"/> on average: uniform within 20 % either side of the gap.
    /// </summary>
    public static int DrawExtraLength(ref NexmarkRandom random, int currentSize, int averageSize)
    {
        if (currentSize > averageSize)
            return 0;
        var gap = averageSize - currentSize;
        var delta = (int)Math.Round(gap * 0.2, MidpointRounding.AwayFromZero);
        return gap - delta + (delta == 0 ? 0 : random.NextInt(2 * delta));
    }

    /// <summary>Where the extra of this length starts in <see cref="ExtraText"/> (drawn even when the extra is not kept).</summary>
    public static int DrawExtraOffset(ref NexmarkRandom random, int length) => random.NextInt(ExtraText.Length - length);

    public static string Extra(int offset, int length) => length == 0 ? "" : ExtraText.Substring(offset, length);

    private static string BaseUrl(ref NexmarkRandom random)
    {
        Span<char> buffer = stackalloc char[8];
        var a = DrawWord(ref random, 5, '_', buffer).ToString();
        var b = DrawWord(ref random, 5, '_', buffer).ToString();
        var c = DrawWord(ref random, 5, '_', buffer).ToString();
        return $"https://www.nexmark.com/{a}/{b}/{c}/item.htm?query=1";
    }

    private static int ReverseBits(int value)
    {
        var v = (uint)value;
        var reversed = 0u;
        for (var i = 0; i < 32; i++, v >>= 1)
            reversed = (reversed << 1) | (v & 1);
        return (int)reversed;
    }
}
