using System.Globalization;

namespace PyStream.Sql.Connectors.Nexmark;

/// <summary>
/// The <c>nexmark</c> connector's WITH options (Flink Nexmark's <c>NexmarkSourceOptions</c>, same
/// names and defaults) read into a <see cref="NexmarkConfig"/>. Two additions: <c>seed</c> (Flink's
/// generator is not seeded) and <c>base-time</c>'s default, Beam Nexmark's 2015-07-15 00:00:00 UTC
/// rather than the wall clock, so that a query over the same options always reads the same events.
/// Options that change the rate over time, or hold the source open, are refused by name; which
/// option names exist is the catalog's check (<c>ConnectorOptions</c>).
/// </summary>
public static class NexmarkOptions
{
    /// <summary>2015-07-15 00:00:00 UTC in milliseconds (Beam Nexmark's BASE_TIME).</summary>
    public const long DefaultBaseTimeMs = 1_436_918_400_000;

    public static NexmarkConfig Config(IReadOnlyDictionary<string, string> options, string table)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reader = new Reader(options, table);
        var config = new NexmarkConfig
        {
            EventsNum = reader.Long("events.num", 0),
            FirstEventRate = reader.Int("first-event.rate", 10_000),
            BaseTimeMs = reader.Long("base-time", DefaultBaseTimeMs),
            Seed = reader.Long("seed", 0),
            PersonProportion = reader.Int("person.proportion", 1),
            AuctionProportion = reader.Int("auction.proportion", 3),
            BidProportion = reader.Int("bid.proportion", 46),
            HotAuctionRatio = reader.Int("bid.hot-ratio.auctions", 2),
            HotBiddersRatio = reader.Int("bid.hot-ratio.bidders", 4),
            HotSellersRatio = reader.Int("auction.hot-ratio.sellers", 4),
            AvgPersonByteSize = reader.Size("person.avg-size", 200),
            AvgAuctionByteSize = reader.Size("auction.avg-size", 500),
            AvgBidByteSize = reader.Size("bid.avg-size", 100),
        };
        if (reader.Int("next-event.rate", (int)config.FirstEventRate) != config.FirstEventRate)
            throw reader.Error("next-event.rate", "a rate that changes over time is not supported: set 'next-event.rate' equal to 'first-event.rate' (or leave it out)");
        if (reader.Text("rate.shape") is { } shape && !shape.Equals("square", StringComparison.OrdinalIgnoreCase) && !shape.Equals("sine", StringComparison.OrdinalIgnoreCase))
            throw reader.Error("rate.shape", $"expected SQUARE or SINE, got '{shape}'");
        if (reader.Text("rate.period") is { } period && !IsDuration(period))
            throw reader.Error("rate.period", $"expected a duration such as '600 s' or '10 min', got '{period}'");
        if (reader.Bool("rate.limited", false))
            throw reader.Error("rate.limited", "'true' is not supported: the source generates as fast as it is read; event times follow 'first-event.rate'");
        if (reader.Bool("keep-alive", false))
            throw reader.Error("keep-alive", "'true' is not supported: the source ends after 'events.num' events");
        if (reader.Long("stop-at", -1) != -1)
            throw reader.Error("stop-at", "only -1 is supported; use 'events.num' to bound the source");
        reader.Bool("max-emit-speed", true);
        try
        {
            return config.Validate();
        }
        catch (Engine.PyStreamException e)
        {
            throw new SqlValidationException($"{e.Message} (table '{table}')");
        }
    }

    private static bool IsDuration(string text)
    {
        var trimmed = text.Trim();
        var digits = 0;
        while (digits < trimmed.Length && char.IsAsciiDigit(trimmed[digits]))
            digits++;
        var unit = trimmed[digits..].Trim().ToLowerInvariant();
        return digits > 0 && unit is "" or "ms" or "milli" or "millis" or "s" or "sec" or "secs" or "second" or "seconds"
            or "min" or "mins" or "minute" or "minutes" or "h" or "hour" or "hours" or "d" or "day" or "days";
    }

    private sealed class Reader(IReadOnlyDictionary<string, string> options, string table)
    {
        public string? Text(string key) => options.GetValueOrDefault(key);

        public long Long(string key, long fallback) => Text(key) is not { } text ? fallback
            : long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
            : throw Error(key, $"expected a whole number, got '{text}'");

        public int Int(string key, int fallback) => Long(key, fallback) is var value && value is >= int.MinValue and <= int.MaxValue ? (int)value
            : throw Error(key, $"expected a whole number within INT, got '{Text(key)}'");

        public bool Bool(string key, bool fallback) => Text(key)?.Trim().ToLowerInvariant() switch
        {
            null => fallback,
            "true" => true,
            "false" => false,
            var other => throw Error(key, $"expected 'true' or 'false', got '{other}'"),
        };

        /// <summary>A memory size as Flink writes it: <c>200b</c>, <c>1kb</c>, <c>2 mb</c>, or bytes alone.</summary>
        public int Size(string key, int fallback)
        {
            if (Text(key) is not { } text)
                return fallback;
            var trimmed = text.Trim().ToLowerInvariant();
            var digits = 0;
            while (digits < trimmed.Length && char.IsAsciiDigit(trimmed[digits]))
                digits++;
            long multiplier = trimmed[digits..].Trim() switch
            {
                "" or "b" or "bytes" => 1,
                "k" or "kb" or "kibibytes" => 1 << 10,
                "m" or "mb" or "mebibytes" => 1 << 20,
                _ => 0,
            };
            if (digits == 0 || multiplier == 0 || !long.TryParse(trimmed[..digits], CultureInfo.InvariantCulture, out var number) || number * multiplier > int.MaxValue)
                throw Error(key, $"expected a size such as '200b' or '1kb', got '{text}'");
            return (int)(number * multiplier);
        }

        public SqlValidationException Error(string key, string problem) =>
            new($"Invalid value for option '{key}' of the nexmark connector (table '{table}'): {problem}");
    }
}
