using System.Runtime.InteropServices;
using PyStream.Sql.Connectors.Nexmark;
using static PyStream.Sql.Connectors.Nexmark.NexmarkField;

namespace PyStream.Benchmarks;

/// <summary>
/// Nexmark q3, q4, q7, q8 and q9 written by hand: the references for the SQL joins. Each reads
/// persons, auctions and bids in event order, keeps only the state its query needs (knowing,
/// as a hand-written program may, that ids are unique and auctions arrive with increasing ids),
/// and returns the checksum of the query's final table (<see cref="RowHash"/>; strings by
/// length), which the SQL run's changelog must add up to.
/// </summary>
internal static class NexmarkJoinLoops
{
    private const int Person = (int)NexmarkEventType.Person;
    private const int Auction = (int)NexmarkEventType.Auction;
    private const long TenSecondsUs = 10_000_000;

    /// <summary>q3: sellers in OR, ID or CA of category-10 auctions: <c>P.name, P.city, P.state, A.id</c>.</summary>
    public static (long, long) Q3(NexmarkConfig config)
    {
        var events = new NexmarkEvents(config, PersonId, PersonName, PersonCity, PersonState, AuctionId, AuctionSeller, AuctionCategory);
        var persons = new Dictionary<long, (int Name, int City, int State)>();
        var waiting = new Dictionary<long, List<long>>(); // category-10 auctions by seller, before the seller arrived
        var checksum = 0L;
        var rows = 0L;
        while (events.Next())
        {
            var (types, personId, name, city, state) = (events.Types, events.Longs(0), events.Strings(1), events.Strings(2), events.Strings(3));
            var (auctionId, seller, category) = (events.Longs(4), events.Longs(5), events.Longs(6));
            for (var r = 0; r < events.Count; r++)
            {
                if (types[r] == Person)
                {
                    var kept = waiting.Remove(personId[r], out var auctions);
                    if (state[r] is not ("OR" or "ID" or "CA"))
                        continue;
                    var person = (name[r].Length, city[r].Length, state[r].Length);
                    persons[personId[r]] = person;
                    if (kept)
                    {
                        foreach (var id in auctions!)
                            (checksum, rows) = (checksum + RowHash.Of(person.Item1, person.Item2, person.Item3, id), rows + 1);
                    }
                }
                else if (types[r] == Auction && category[r] == 10)
                {
                    if (persons.TryGetValue(seller[r], out var p))
                        (checksum, rows) = (checksum + RowHash.Of(p.Name, p.City, p.State, auctionId[r]), rows + 1);
                    else
                        (CollectionsMarshal.GetValueRefOrAddDefault(waiting, seller[r], out _) ??= []).Add(auctionId[r]);
                }
            }
        }

        return (checksum, rows);
    }

    /// <summary>q4: per category, the average over its auctions of the highest bid made while the auction was open.</summary>
    public static (long, long) Q4(NexmarkConfig config)
    {
        var events = new NexmarkEvents(config, AuctionId, NexmarkField.DateTime, AuctionExpires, AuctionCategory, BidAuction, BidPrice);
        var auctions = new Dictionary<long, OpenAuction>();
        var early = new Dictionary<long, List<(long Price, long Time)>>(); // bids for auctions not generated yet
        var categories = new Dictionary<long, (long Sum, long Count)>();
        while (events.Next())
        {
            var (types, id, time, expires, category, auction, price) =
                (events.Types, events.Longs(0), events.Longs(1), events.Longs(2), events.Longs(3), events.Longs(4), events.Longs(5));
            for (var r = 0; r < events.Count; r++)
            {
                if (types[r] == Auction)
                {
                    var open = new OpenAuction(time[r], expires[r], category[r]);
                    auctions[id[r]] = open;
                    if (early.Remove(id[r], out var bids))
                    {
                        foreach (var (p, t) in bids)
                            Bid(open, p, t, categories);
                    }
                }
                else if (types[r] != Person)
                {
                    if (auctions.TryGetValue(auction[r], out var open))
                        Bid(open, price[r], time[r], categories);
                    else
                        (CollectionsMarshal.GetValueRefOrAddDefault(early, auction[r], out _) ??= []).Add((price[r], time[r]));
                }
            }
        }

        var checksum = 0L;
        foreach (var (category, (sum, count)) in categories)
            checksum += RowHash.Of(category, sum / count);
        return (checksum, categories.Count);

        static void Bid(OpenAuction open, long price, long time, Dictionary<long, (long Sum, long Count)> categories)
        {
            if (time < open.Start || time > open.Expires || (open.HasBid && price <= open.MaxPrice))
                return;
            ref var total = ref CollectionsMarshal.GetValueRefOrAddDefault(categories, open.Category, out _);
            total = open.HasBid ? (total.Sum + price - open.MaxPrice, total.Count) : (total.Sum + price, total.Count + 1);
            open.HasBid = true;
            open.MaxPrice = price;
        }
    }

    /// <summary>q7: the bids whose price is the highest of a 10 s tumbling window, made within that window's bounds (both ends included).</summary>
    public static (long, long) Q7(NexmarkConfig config)
    {
        var events = new NexmarkEvents(config, BidAuction, BidBidder, BidPrice, NexmarkField.DateTime, BidExtra);
        var windowStart = long.MinValue / 2; // no window yet: the first event starts one
        var max = long.MinValue;
        var best = new List<(long Auction, long Bidder, long Time, int Extra)>();
        var (previousEnd, previousMax) = (long.MinValue, long.MinValue);
        var checksum = 0L;
        var rows = 0L;
        while (events.Next())
        {
            var (types, auction, bidder, price, time, extra) =
                (events.Types, events.Longs(0), events.Longs(1), events.Longs(2), events.Longs(3), events.Strings(4));
            for (var r = 0; r < events.Count; r++)
            {
                if (types[r] is Person or Auction)
                    continue;
                var t = time[r];
                if (t >= windowStart + TenSecondsUs)
                {
                    CloseWindow();
                    windowStart = t - (t % TenSecondsUs);
                }

                if (t == previousEnd && price[r] == previousMax)
                    Emit(auction[r], bidder[r], price[r], t, extra[r].Length);
                if (price[r] > max)
                {
                    max = price[r];
                    best.Clear();
                }

                if (price[r] == max)
                    best.Add((auction[r], bidder[r], t, extra[r].Length));
            }
        }

        CloseWindow();
        return (checksum, rows);

        void CloseWindow()
        {
            foreach (var b in best)
                Emit(b.Auction, b.Bidder, max, b.Time, b.Extra);
            (previousEnd, previousMax) = (windowStart + TenSecondsUs, max);
            max = long.MinValue;
            best.Clear();
        }

        void Emit(long auction, long bidder, long price, long time, int extra) =>
            (checksum, rows) = (checksum + RowHash.Of(auction, bidder, price, time, extra), rows + 1);
    }

    /// <summary>q8: persons who created an auction in the same 10 s tumbling window they joined in: <c>id, name, window_start</c>.</summary>
    public static (long, long) Q8(NexmarkConfig config)
    {
        var events = new NexmarkEvents(config, PersonId, PersonName, AuctionSeller, NexmarkField.DateTime);
        var windowStart = long.MinValue / 2; // no window yet: the first event starts one
        var persons = new Dictionary<long, int>();
        var sellers = new HashSet<long>();
        var checksum = 0L;
        var rows = 0L;
        while (events.Next())
        {
            var (types, id, name, seller, time) = (events.Types, events.Longs(0), events.Strings(1), events.Longs(2), events.Longs(3));
            for (var r = 0; r < events.Count; r++)
            {
                if (types[r] is not (Person or Auction))
                    continue;
                if (time[r] >= windowStart + TenSecondsUs)
                {
                    CloseWindow();
                    windowStart = time[r] - (time[r] % TenSecondsUs);
                }

                if (types[r] == Person)
                    persons[id[r]] = name[r].Length;
                else
                    sellers.Add(seller[r]);
            }
        }

        CloseWindow();
        return (checksum, rows);

        void CloseWindow()
        {
            foreach (var (id, name) in persons)
            {
                if (sellers.Contains(id))
                    (checksum, rows) = (checksum + RowHash.Of(id, name, windowStart), rows + 1);
            }

            persons.Clear();
            sellers.Clear();
        }
    }

    /// <summary>q9: every auction's winning bid (highest price, then earliest; the first to arrive among equals) made while it was open.</summary>
    public static (long, long) Q9(NexmarkConfig config)
    {
        var events = new NexmarkEvents(config, AuctionId, AuctionItemName, AuctionDescription, AuctionInitialBid, AuctionReserve,
            NexmarkField.DateTime, AuctionExpires, AuctionSeller, AuctionCategory, AuctionExtra, BidAuction, BidBidder, BidPrice, BidExtra);
        var auctions = new Dictionary<long, WonAuction>();
        var early = new Dictionary<long, List<WinningBid>>();
        while (events.Next())
        {
            var (types, id, item, description, initialBid, reserve, time, expires) = (events.Types, events.Longs(0), events.Strings(1),
                events.Strings(2), events.Longs(3), events.Longs(4), events.Longs(5), events.Longs(6));
            var (seller, category, extra, auction, bidder, price, bidExtra) =
                (events.Longs(7), events.Longs(8), events.Strings(9), events.Longs(10), events.Longs(11), events.Longs(12), events.Strings(13));
            for (var r = 0; r < events.Count; r++)
            {
                if (types[r] == Auction)
                {
                    var won = new WonAuction([id[r], item[r].Length, description[r].Length, initialBid[r], reserve[r], time[r], expires[r],
                        seller[r], category[r], extra[r].Length]);
                    auctions[id[r]] = won;
                    if (early.Remove(id[r], out var bids))
                    {
                        foreach (var bid in bids)
                            won.Offer(bid);
                    }
                }
                else if (types[r] != Person)
                {
                    var bid = new WinningBid(auction[r], bidder[r], price[r], time[r], bidExtra[r].Length);
                    if (auctions.TryGetValue(auction[r], out var won))
                        won.Offer(bid);
                    else
                        (CollectionsMarshal.GetValueRefOrAddDefault(early, auction[r], out _) ??= []).Add(bid);
                }
            }
        }

        var checksum = 0L;
        var rows = 0L;
        Span<long> row = stackalloc long[15];
        foreach (var won in auctions.Values)
        {
            if (won.Best is not { } best)
                continue;
            won.Columns.CopyTo(row);
            (row[10], row[11], row[12], row[13], row[14]) = (best.Auction, best.Bidder, best.Price, best.Time, best.Extra);
            checksum += RowHash.Of(row);
            rows++;
        }

        return (checksum, rows);
    }

    private sealed class OpenAuction(long start, long expires, long category)
    {
        public long Start { get; } = start;

        public long Expires { get; } = expires;

        public long Category { get; } = category;

        public bool HasBid { get; set; }

        public long MaxPrice { get; set; }
    }

    private readonly record struct WinningBid(long Auction, long Bidder, long Price, long Time, int Extra);

    /// <summary>An auction's columns (id ... extra, with <c>dateTime</c> at 5 and <c>expires</c> at 6) and its best bid so far.</summary>
    private sealed class WonAuction(long[] columns)
    {
        public long[] Columns { get; } = columns;

        public WinningBid? Best { get; private set; }

        public void Offer(WinningBid bid)
        {
            if (bid.Time < Columns[5] || bid.Time > Columns[6])
                return;
            if (Best is not { } best || bid.Price > best.Price || (bid.Price == best.Price && bid.Time < best.Time))
                Best = bid;
        }
    }
}
