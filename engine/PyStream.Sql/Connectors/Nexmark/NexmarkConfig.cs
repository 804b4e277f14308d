using PyStream.Engine;

namespace PyStream.Sql.Connectors.Nexmark;

/// <summary>
/// What the Nexmark generator makes: Flink Nexmark's source options with their defaults
/// (<c>events.num</c>, <c>first-event.rate</c>, the proportions, the hot ratios), plus a seed and
/// a base time so that the same configuration always yields the same events.
/// </summary>
public sealed record NexmarkConfig
{
    /// <summary>Events to generate over all subtasks; 0 generates without end (Flink's <c>events.num</c>).</summary>
    public long EventsNum { get; init; }

    /// <summary>Events per second of event time over all subtasks (Flink's <c>first-event.rate</c>).</summary>
    public long FirstEventRate { get; init; } = 10_000;

    /// <summary>Event time of event 0, in milliseconds since the epoch (Flink takes the wall clock at start).</summary>
    public long BaseTimeMs { get; init; }

    public long Seed { get; init; }

    public int PersonProportion { get; init; } = 1;

    public int AuctionProportion { get; init; } = 3;

    public int BidProportion { get; init; } = 46;

    /// <summary>One bid in this many is for a random in-flight auction; the others go to the current hot auction.</summary>
    public int HotAuctionRatio { get; init; } = 2;

    /// <summary>One bid in this many is by a random active person; the others by the current hot bidder.</summary>
    public int HotBiddersRatio { get; init; } = 4;

    /// <summary>One auction in this many is by a random active person; the others by the current hot seller.</summary>
    public int HotSellersRatio { get; init; } = 4;

    public int NumInFlightAuctions { get; init; } = 100;

    public int NumActivePeople { get; init; } = 1000;

    /// <summary>Average size in bytes of a person (its <c>extra</c> string pads it to this on average).</summary>
    public int AvgPersonByteSize { get; init; } = 200;

    public int AvgAuctionByteSize { get; init; } = 500;

    public int AvgBidByteSize { get; init; } = 100;

    public int TotalProportion => PersonProportion + AuctionProportion + BidProportion;

    /// <summary>Microseconds of event time between two consecutive events (of all subtasks together).</summary>
    public double InterEventDelayUs => 1_000_000.0 / FirstEventRate;

    /// <summary>Raises a clear error for a setting the model cannot use.</summary>
    public NexmarkConfig Validate()
    {
        Require(EventsNum >= 0, $"events.num must be 0 (no end) or positive, got {EventsNum}");
        Require(FirstEventRate > 0, $"first-event.rate must be positive, got {FirstEventRate}");
        Require(PersonProportion >= 1 && AuctionProportion >= 1 && BidProportion >= 1,
            $"person, auction and bid proportions must each be at least 1, got {PersonProportion}:{AuctionProportion}:{BidProportion}");
        Require(HotAuctionRatio >= 1 && HotBiddersRatio >= 1 && HotSellersRatio >= 1,
            $"hot ratios must be at least 1, got auctions {HotAuctionRatio}, bidders {HotBiddersRatio}, sellers {HotSellersRatio}");
        Require(NumInFlightAuctions >= 1 && NumActivePeople >= 1,
            $"in-flight auctions and active people must be at least 1, got {NumInFlightAuctions} and {NumActivePeople}");
        Require(AvgPersonByteSize >= 0 && AvgAuctionByteSize >= 0 && AvgBidByteSize >= 0, "average byte sizes must not be negative");
        return this;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
            throw new PyStreamException("nexmark: " + message);
    }
}
