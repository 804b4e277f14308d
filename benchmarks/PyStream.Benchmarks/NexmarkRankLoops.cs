using System.Runtime.InteropServices;
using PyStream.Sql.Connectors.Nexmark;
using static PyStream.Sql.Connectors.Nexmark.NexmarkField;

namespace PyStream.Benchmarks;

/// <summary>
/// Nexmark q18 (deduplication) and q19 (Top-N) written by hand: the references for the SQL rank
/// operators. Both keep, per key, what the query's final table holds, and return its checksum.
/// </summary>
internal static class NexmarkRankLoops
{
    private const int TopN = 10;

    /// <summary>q18: every (bidder, auction)'s last bid (latest dateTime; the last to arrive among equals), as <c>auction, bidder, price, channel, url, dateTime, extra</c>.</summary>
    public static (long, long) Q18(NexmarkConfig config)
    {
        var last = new Dictionary<(long Bidder, long Auction), (long Time, long Hash)>();
        var checksum = 0L;
        foreach (var bid in Bids(config))
        {
            ref var kept = ref CollectionsMarshal.GetValueRefOrAddDefault(last, (bid.Bidder, bid.Auction), out var exists);
            if (exists && bid.Time < kept.Time)
                continue;
            var hash = RowHash.Of([bid.Auction, bid.Bidder, bid.Price, bid.Channel, bid.Url, bid.Time, bid.Extra]);
            checksum += hash - (exists ? kept.Hash : 0);
            kept = (bid.Time, hash);
        }

        return (checksum, last.Count);
    }

    /// <summary>q19: every auction's 10 highest bids (the first to arrive first among equal prices) with their rank, 1-based.</summary>
    public static (long, long) Q19(NexmarkConfig config)
    {
        var tops = new Dictionary<long, List<FullBid>>();
        foreach (var bid in Bids(config))
        {
            ref var top = ref CollectionsMarshal.GetValueRefOrAddDefault(tops, bid.Auction, out _);
            top ??= new List<FullBid>(TopN);
            var at = top.Count;
            while (at > 0 && top[at - 1].Price < bid.Price)
                at--;
            if (at == TopN)
                continue;
            if (top.Count == TopN)
                top.RemoveAt(TopN - 1);
            top.Insert(at, bid);
        }

        var checksum = 0L;
        var rows = 0L;
        foreach (var top in tops.Values)
        {
            for (var rank = 0; rank < top.Count; rank++)
            {
                var bid = top[rank];
                checksum += RowHash.Of([bid.Auction, bid.Bidder, bid.Price, bid.Channel, bid.Url, bid.Time, bid.Extra, rank + 1]);
                rows++;
            }
        }

        return (checksum, rows);
    }

    /// <summary>A bid with all its columns, strings by length.</summary>
    private readonly record struct FullBid(long Auction, long Bidder, long Price, int Channel, int Url, long Time, int Extra);

    private static IEnumerable<FullBid> Bids(NexmarkConfig config)
    {
        var events = new NexmarkEvents(config, BidAuction, BidBidder, BidPrice, BidChannel, BidUrl, NexmarkField.DateTime, BidExtra);
        while (events.Next())
        {
            var (types, auction, bidder, price, channel, url, time, extra) = (events.Types, events.Longs(0), events.Longs(1),
                events.Longs(2), events.Strings(3), events.Strings(4), events.Longs(5), events.Strings(6));
            for (var r = 0; r < events.Count; r++)
            {
                if (types[r] == (int)NexmarkEventType.Bid)
                    yield return new FullBid(auction[r], bidder[r], price[r], channel[r].Length, url[r].Length, time[r], extra[r].Length);
            }
        }
    }
}
