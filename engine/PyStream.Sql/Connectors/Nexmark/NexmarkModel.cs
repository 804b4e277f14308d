namespace PyStream.Sql.Connectors.Nexmark;

/// <summary>
/// The arithmetic of Flink Nexmark's model, a pure function of the event number <c>n</c> (0, 1, …
/// over all subtasks): its kind from <c>n mod (person + auction + bid proportions)</c>, so every
/// epoch of 50 events holds 1 person, then 3 auctions, then 46 bids; the ids of the last person
/// and auction generated at or before it (ids count up from 1000 in generation order); and its
/// event time, <c>base + n × inter-event delay</c>.
/// </summary>
internal static class NexmarkModel
{
    /// <summary>Ids start here so that small runs still match queries' constants (Flink's choice).</summary>
    public const long FirstPersonId = 1000;

    public const long FirstAuctionId = 1000;

    public const long FirstCategoryId = 10;

    public const int CategoryCount = 5;

    /// <summary>Hot auctions, bidders and sellers are the first of each block of this many ids.</summary>
    public const int HotBlock = 100;

    /// <summary>How far beyond the last generated id a random auction or person may point (an event "from the future").</summary>
    public const int IdLead = 10;

    public static NexmarkEventType TypeOf(NexmarkConfig config, long n)
    {
        var offset = n % config.TotalProportion;
        return offset < config.PersonProportion ? NexmarkEventType.Person
            : offset < config.PersonProportion + config.AuctionProportion ? NexmarkEventType.Auction
            : NexmarkEventType.Bid;
    }

    /// <summary>Base-0 id of the last person generated at or before event <paramref name="n"/> (-1 before the first).</summary>
    public static long LastPersonId(NexmarkConfig config, long n)
    {
        var epoch = n / config.TotalProportion;
        var offset = Math.Min(n % config.TotalProportion, config.PersonProportion - 1);
        return (epoch * config.PersonProportion) + offset;
    }

    /// <summary>Base-0 id of the last auction generated at or before event <paramref name="n"/> (-1 before the first).</summary>
    public static long LastAuctionId(NexmarkConfig config, long n)
    {
        var epoch = n / config.TotalProportion;
        var offset = n % config.TotalProportion;
        if (offset < config.PersonProportion)
        {
            epoch--;
            offset = config.AuctionProportion - 1;
        }
        else if (offset >= config.PersonProportion + config.AuctionProportion)
        {
            offset = config.AuctionProportion - 1;
        }
        else
        {
            offset -= config.PersonProportion;
        }

        return (epoch * config.AuctionProportion) + offset;
    }

    /// <summary>Event time of event <paramref name="n"/> in milliseconds since the epoch (whole microseconds of delay, then milliseconds, as Flink rounds).</summary>
    public static long TimestampMs(NexmarkConfig config, long n) => config.BaseTimeMs + ((long)(n * config.InterEventDelayUs) / 1000);

    /// <summary>A random base-0 person among the active ones, or up to <see cref="IdLead"/> not yet generated.</summary>
    public static long RandomPersonId(NexmarkConfig config, ref NexmarkRandom random, long lastPersonId)
    {
        var people = lastPersonId + 1;
        var active = Math.Min(people, config.NumActivePeople);
        return people - active + random.NextLong(active + IdLead);
    }

    /// <summary>A random base-0 auction among those likely in flight, or up to <see cref="IdLead"/> not yet generated.</summary>
    public static long RandomAuctionId(NexmarkConfig config, ref NexmarkRandom random, long lastAuctionId)
    {
        var min = Math.Max(lastAuctionId - config.NumInFlightAuctions, 0);
        return min + random.NextLong(lastAuctionId - min + 1 + IdLead);
    }

    /// <summary>A price in cents, log-uniform from $1 to $1,000,000.</summary>
    public static long RandomPrice(ref NexmarkRandom random) => (long)Math.Floor((Math.Pow(10.0, random.NextDouble() * 6.0) * 100.0) + 0.5);

    /// <summary>How long an auction runs: on average as long as it takes to generate the next in-flight auctions.</summary>
    public static long RandomAuctionLengthMs(NexmarkConfig config, ref NexmarkRandom random, long n, long timestampMs)
    {
        var eventsForInFlightAuctions = (long)config.NumInFlightAuctions * config.TotalProportion / config.AuctionProportion;
        var horizonMs = TimestampMs(config, n + eventsForInFlightAuctions) - timestampMs;
        return 1 + random.NextLong(Math.Max(horizonMs * 2, 1));
    }
}
