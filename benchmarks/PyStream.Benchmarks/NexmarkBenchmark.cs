using System.Diagnostics;
using System.Globalization;
using PyStream.Engine;
using PyStream.Sql.Connectors.Nexmark;

namespace PyStream.Benchmarks;

/// <summary>
/// Nexmark q0-q5, q7-q9, q18 and q19 at parallelism 1 on generated events (the issues' "Speed"
/// goals: SQL at 2M events/s or more and 0.3x the hand loop for q0-q2, 0.25x for q5's windowed
/// count, 0.2x and ten times Flink's published per-core rate for the joins and ranks). Events/s counts every event generated (persons and auctions too), as Flink
/// Nexmark reports source throughput. Each query runs as a hand loop and as SQL through the
/// engine (<see cref="NexmarkSql"/>) on the same events; the SQL result's checksum must equal the
/// hand loop's.
/// </summary>
internal static class NexmarkBenchmark
{
    public static int Run(string[] args)
    {
        var events = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var only = args.Length > 2 ? args[2].Split(',') : null; // e.g. "q0,q5": run only these (profiling)
        // 100k events/s of event time: 10M events span 100 s, so q5's windows fire by watermark during the run.
        var config = new NexmarkConfig { EventsNum = events, FirstEventRate = 100_000, BaseTimeMs = 1_700_000_000_000, Seed = 1 };
        var bids = CountBids(config);
        Console.WriteLine($"workload: Nexmark, {events:N0} events ({bids:N0} bids), first-event.rate {config.FirstEventRate:N0}/s, seed {config.Seed}, parallelism 1, best of {runs}");

        var generate = Measure(runs, config, c => (NexmarkHandLoop.GenerateOnly(c), 0));
        Console.WriteLine($"generator alone (q0's bid columns): {generate.Rate / 1e6,6:F2} M events/s");
        var failures = 0;
        using var allocations = AllocationTicks.StartIfAsked();
        using var jit = JitEvents.StartIfAsked();
        foreach (var query in Queries().Where(q => only is null || only.Contains(q.Name)))
        {
            var hand = Measure(runs, config, query.HandLoop);
            allocations?.PrintAndReset(query.Name + " hand loop");
            if (query.Name == "q5" && hand.Result != 5 * bids)
                throw new InvalidOperationException($"q5 hand loop counted {hand.Result} window memberships, expected 5 x {bids} bids");
            (double Rate, double CpuRate, long Checksum, long Result, double BytesPerEvent) sql;
            try
            {
                sql = Measure(runs, config, c => NexmarkSql.Run(c, query.SinkColumns, query.Text));
                allocations?.PrintAndReset(query.Name + " SQL");
                jit?.Print(query.Name + " SQL");
            }
            catch (PyStreamException e)
            {
                failures++;
                Console.WriteLine($"{query.Name}: SQL FAILED ({e.Message}); hand loop {hand.Rate / 1e6,6:F2} M events/s");
                continue;
            }

            var same = sql.Checksum == hand.Checksum;
            failures += same ? 0 : 1;
            Console.WriteLine($"{query.Name}: SQL {sql.Rate / 1e6,6:F2} M events/s, hand loop {hand.Rate / 1e6,6:F2} M events/s, ratio {sql.Rate / hand.Rate:F2}x ({query.Goal}); "
                + $"per CPU second (all threads) {sql.CpuRate / 1e6:F2} M and {hand.CpuRate / 1e6:F2} M events, ratio {sql.CpuRate / hand.CpuRate:F2}x; "
                + $"{sql.BytesPerEvent:F0} bytes allocated per event (hand loop: {hand.BytesPerEvent:F0}); {sql.Result:N0} changelog rows (hand loop: {hand.Result:N0} result rows), checksum {(same ? "equal" : $"DIFFERS: SQL {sql.Checksum:X16}, hand loop {hand.Checksum:X16}")}");
            Console.WriteLine($"    {query.Text}");
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>The queries as SQL over Flink Nexmark's <c>bid</c> view, their blackhole tables' columns, and their hand loops.</summary>
    public static IReadOnlyList<NexmarkQuery> Queries() =>
    [
        new("q0", "SELECT auction, bidder, price, dateTime, extra FROM bid", BidColumns, c => (NexmarkHandLoop.Q0(c), 0)) { Goal = StatelessGoal },
        new("q1", "SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid",
            "auction BIGINT, bidder BIGINT, price DECIMAL(23, 3), dateTime TIMESTAMP(3), extra VARCHAR", c => (NexmarkHandLoop.Q1(c), 0)) { Goal = StatelessGoal },
        new("q2", "SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0", "auction BIGINT, price BIGINT", c => (NexmarkHandLoop.Q2(c), 0)) { Goal = StatelessGoal },
        new("q3", "SELECT P.name, P.city, P.state, A.id FROM auction AS A INNER JOIN person AS P ON A.seller = P.id "
            + "WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')",
            "name VARCHAR, city VARCHAR, state VARCHAR, id BIGINT", NexmarkJoinLoops.Q3),
        new("q4", "SELECT Q.category, AVG(Q.final) FROM (SELECT MAX(B.price) AS final, A.category FROM auction A, bid B "
            + "WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires GROUP BY A.id, A.category) Q GROUP BY Q.category",
            "id BIGINT, final BIGINT", NexmarkJoinLoops.Q4),
        new("q5", "SELECT auction, window_start, window_end, COUNT(*) FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), "
            + "INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end",
            "auction BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3), num BIGINT", NexmarkHandLoop.Q5) { Goal = "goal >= 0.25x, and >= 10 x Flink's 22K/s per core" },
        new("q7", "SELECT B.auction, B.bidder, B.price, B.dateTime, B.extra FROM bid B JOIN (SELECT MAX(price) AS maxprice, window_end AS dateTime "
            + "FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) GROUP BY window_start, window_end) B1 "
            + "ON B.price = B1.maxprice WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime",
            BidColumns, NexmarkJoinLoops.Q7) { Goal = "goal >= 0.2x, and >= 10 x Flink's 12K/s per core" },
        new("q8", "SELECT P.id, P.name, P.starttime FROM (SELECT id, name, window_start AS starttime, window_end AS endtime "
            + "FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) GROUP BY id, name, window_start, window_end) P "
            + "JOIN (SELECT seller, window_start AS starttime, window_end AS endtime FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(dateTime), "
            + "INTERVAL '10' SECOND)) GROUP BY seller, window_start, window_end) A "
            + "ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime",
            "id BIGINT, name VARCHAR, stime TIMESTAMP(3)", NexmarkJoinLoops.Q8) { Goal = "goal >= 0.2x, and >= 10 x Flink's 146K/s per core" },
        new("q9", "SELECT id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra, auction, bidder, price, "
            + "bid_dateTime, bid_extra FROM (SELECT A.*, B.auction, B.bidder, B.price, B.dateTime AS bid_dateTime, B.extra AS bid_extra, "
            + "ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.dateTime ASC) AS rownum FROM auction A, bid B "
            + "WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires) WHERE rownum <= 1",
            "id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, dateTime TIMESTAMP(3), expires TIMESTAMP(3), "
            + "seller BIGINT, category BIGINT, extra VARCHAR, auction BIGINT, bidder BIGINT, price BIGINT, bid_dateTime TIMESTAMP(3), bid_extra VARCHAR",
            NexmarkJoinLoops.Q9),
        new("q18", "SELECT auction, bidder, price, channel, url, dateTime, extra FROM (SELECT *, ROW_NUMBER() OVER "
            + "(PARTITION BY bidder, auction ORDER BY dateTime DESC) AS rank_number FROM bid) WHERE rank_number <= 1",
            FullBidColumns, NexmarkRankLoops.Q18),
        new("q19", "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number FROM bid) "
            + "WHERE rank_number <= 10", FullBidColumns + ", rank_number BIGINT", NexmarkRankLoops.Q19),
    ];

    private const string StatelessGoal = "goal >= 0.30x, and >= 2M events/s";

    private const string BidColumns = "auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3), extra VARCHAR";

    private const string FullBidColumns = "auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR";

    private static long CountBids(NexmarkConfig config) =>
        (config.EventsNum / config.TotalProportion * config.BidProportion)
        + Math.Max(0, (config.EventsNum % config.TotalProportion) - config.PersonProportion - config.AuctionProportion);

    /// <summary>Best events/s of <paramref name="runs"/> runs after two warm-up runs on fewer events (tiered JIT and PGO settle first).</summary>
    private static (double Rate, double CpuRate, long Checksum, long Result, double BytesPerEvent) Measure(
        int runs, NexmarkConfig config, Func<NexmarkConfig, (long Checksum, long Result)> run)
    {
        var warmUp = config with { EventsNum = Math.Min(config.EventsNum, 1_000_000) };
        run(warmUp);
        run(warmUp);
        var best = 0.0;
        var bestCpu = 0.0;
        var bytesPerEvent = 0.0;
        (long Checksum, long Result) first = default;
        using var process = Process.GetCurrentProcess();
        JitEvents.Current?.Reset();
        for (var i = 0; i < runs; i++)
        {
            var allocated = GC.GetTotalAllocatedBytes();
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var outcome = run(config);
            best = Math.Max(best, config.EventsNum / clock.Elapsed.TotalSeconds);
            process.Refresh();
            // Events per CPU second of every thread (collector included): less swayed by other load on the machine than the wall clock.
            bestCpu = Math.Max(bestCpu, config.EventsNum / (process.TotalProcessorTime - cpu).TotalSeconds);
            bytesPerEvent = (double)(GC.GetTotalAllocatedBytes() - allocated) / config.EventsNum;
            if (i == 0)
                first = outcome;
            else if (outcome != first)
                throw new InvalidOperationException($"run {i} gave checksum {outcome.Checksum:X16}, run 0 {first.Checksum:X16}: the generator is not deterministic");
        }

        return (best, bestCpu, first.Checksum, first.Result, bytesPerEvent);
    }
}
