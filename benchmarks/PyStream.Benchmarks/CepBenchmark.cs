using System.Diagnostics;
using System.Globalization;
using PyStream.Engine;

namespace PyStream.Benchmarks;

/// <summary>
/// The CEP goal of the pattern-matching issue: a three-step pattern with SQL conditions
/// (<c>MATCH_RECOGNIZE</c>, strict contiguity) over generated events of 10K keys, at parallelism
/// 1, against a hand-written C# matcher for that one pattern on the same events, in the same run.
/// Event <c>id</c> (1..n) has key <c>id % 10000</c>, value <c>v</c> = the top 4 bits of a 32-bit
/// multiplicative hash of <c>id</c> (0..15), and time <c>id</c> milliseconds. A is <c>v &lt; 4</c>,
/// B is <c>4 &lt;= v &lt; 8</c>, C is <c>v &gt;= 8</c>: disjoint, so the matcher is a three-state
/// machine per key. The source is unthrottled (datagen otherwise makes 10,000 rows/s, which was all this measured).
/// </summary>
internal static class CepBenchmark
{
    private const long Keys = 10_000;

    public static int Run(string[] args)
    {
        var events = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        Console.WriteLine($"workload: {events:N0} events, {Keys:N0} keys, PATTERN (A B C) strict, AFTER MATCH SKIP PAST LAST ROW, parallelism 1, best of {runs}");
        using var allocations = AllocationTicks.StartIfAsked();
        var hand = Measure(runs, events, HandLoop);
        allocations?.PrintAndReset("hand loop");
        (double Rate, long Checksum, long Rows, double BytesPerEvent, string Gc) sql;
        try
        {
            sql = Measure(runs, events, Sql);
            allocations?.PrintAndReset("MATCH_RECOGNIZE");
        }
        catch (PyStreamException e)
        {
            Console.WriteLine($"MATCH_RECOGNIZE FAILED ({e.Message}); hand loop {hand.Rate / 1e6:F2} M events/s");
            return 1;
        }

        var source = Measure(runs, events, SourceAlone);
        var same = sql.Checksum == hand.Checksum;
        Console.WriteLine($"MATCH_RECOGNIZE {sql.Rate / 1e6,6:F2} M events/s (goal >= 1M), hand loop {hand.Rate / 1e6,6:F2} M events/s, "
            + $"ratio {sql.Rate / hand.Rate:F2}x; {sql.BytesPerEvent:F0} bytes allocated per event; {sql.Rows:N0} matches, checksum {(same ? "equal" : $"DIFFERS: SQL {sql.Checksum:X16}, hand loop {hand.Checksum:X16}")}");
        Console.WriteLine($"    MATCH_RECOGNIZE's last run: {sql.Gc}");
        Console.WriteLine($"source alone (datagen, computed columns, watermarks, a filter no row passes) {source.Rate / 1e6,6:F2} M events/s, {source.BytesPerEvent:F0} bytes allocated per event");
        Console.WriteLine($"    {Query}");
        return same ? 0 : 1;
    }

    public const string Query = "SELECT * FROM events MATCH_RECOGNIZE (PARTITION BY k ORDER BY ts MEASURES A.id AS aid, C.id AS cid "
        + "ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW PATTERN (A B C) "
        + "DEFINE A AS A.v < 4, B AS B.v >= 4 AND B.v < 8, C AS C.v >= 8)";

    private static string Table(long events) => string.Create(CultureInfo.InvariantCulture, $"""
        CREATE TABLE events (
            id BIGINT,
            k AS id % {Keys},
            v AS MOD(id * 2654435761, 4294967296) / 268435456,
            ts AS TO_TIMESTAMP_LTZ(id, 3),
            WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
        ) WITH ('connector' = 'datagen', 'rows-per-second' = '1000000000000',
            'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '{events}')
        """);

    private static (long Checksum, long Rows) Sql(long events) =>
        NexmarkSql.RunOn([Table(events)], "k BIGINT, aid BIGINT, cid BIGINT", Query);

    /// <summary>What the query costs before MATCH_RECOGNIZE: the same source read and filtered to nothing.</summary>
    private static (long Checksum, long Rows) SourceAlone(long events) =>
        NexmarkSql.RunOn([Table(events)], "k BIGINT, aid BIGINT, cid BIGINT", "SELECT k, id, id FROM events WHERE v > 15 AND ts IS NOT NULL");

    /// <summary>Per key: 0 = nothing, 1 = after an A, 2 = after A B; the A's id kept for the match's row.</summary>
    private static (long Checksum, long Rows) HandLoop(long events)
    {
        var stage = new byte[Keys];
        var first = new long[Keys];
        var checksum = 0L;
        var rows = 0L;
        for (var id = 1L; id <= events; id++)
        {
            var k = id % Keys;
            var v = ((id * 2654435761L) & 0xFFFF_FFFFL) >> 28;
            if (v < 4)
            {
                (stage[k], first[k]) = (1, id);
            }
            else if (v < 8)
            {
                stage[k] = stage[k] == 1 ? (byte)2 : (byte)0;
            }
            else
            {
                if (stage[k] == 2)
                    (checksum, rows) = (checksum + RowHash.Of(k, first[k], id), rows + 1);
                stage[k] = 0;
            }
        }

        return (checksum, rows);
    }

    private static (double Rate, long Checksum, long Rows, double BytesPerEvent, string Gc) Measure(int runs, long events, Func<long, (long, long)> run)
    {
        run(Math.Min(events, 1_000_000));
        var best = 0.0;
        (long Checksum, long Rows) outcome = default;
        var allocated = 0L;
        var gc = "";
        for (var i = 0; i < runs; i++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var (paused, gen0, gen1, gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            outcome = run(events);
            best = Math.Max(best, events / clock.Elapsed.TotalSeconds);
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            gc = string.Create(CultureInfo.InvariantCulture, $"{events / cpu.TotalSeconds / 1e6:F2} M events per CPU second (all threads: {cpu.TotalSeconds:F2} s), GC paused {(GC.GetTotalPauseDuration() - paused).TotalSeconds:F2} s of {clock.Elapsed.TotalSeconds:F2} s, "
                + $"{GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2} gen0/1/2 collections");
        }

        return (best, outcome.Checksum, outcome.Rows, (double)allocated / events, gc);
    }
}
