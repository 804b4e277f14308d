using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>
/// Nexmark q7's join with its bids dropped by the window maximum's watermark: the output must be exactly
/// the changelog of a regular join that keeps every row (a model written here: every earlier row of the
/// other side, in arrival order), over out-of-order and late bids, and the bids' state must hold only the
/// bids that a later window can still match.
/// </summary>
public sealed class JoinRetentionTests
{
    private const long Second = 1000;
    private static readonly SqlType Time = SqlType.Timestamp(3);
    private static readonly SqlType[] BidTypes = [SqlType.BigInt, Time, SqlType.BigInt]; // price, dateTime, id
    private static readonly SqlType[] MaxTypes = [SqlType.BigInt, Time];                  // maxprice, window_end

    /// <summary>A bid, or a window's maximum (Id -1), in the order the join gets them; or a watermark of the windows' input (Watermark set).</summary>
    private sealed record Step(int Input, long Price, long TimeMillis, long Id, long? Watermark = null);

    [Fact]
    public void Dropping_bids_by_the_windows_watermark_changes_no_output_and_bounds_the_bids_kept()
    {
        var steps = Scenario(new Random(7), bids: 4000);
        var (join, output, store) = Open(windowSize: 10 * Second);
        var stateId = JoinRecordState.StateIdFor("join", "left", outer: false, ttlMillis: 0);
        var model = new List<Step>[2];
        model[0] = [];
        model[1] = [];
        var expected = new List<string>();
        var (checks, lateJoined, current) = (0, 0, long.MinValue);
        foreach (var step in steps)
        {
            if (step.Watermark is { } watermark)
            {
                current = watermark;
                join.ProcessWatermark(1, watermark);
                join.ProcessWatermark(0, watermark);

                join.SnapshotState(new CheckpointBarrier(1, 0, SnapshotKind.Checkpoint), new Dictionary<string, byte[]>());
                // Kept: the bids that a window ending after the watermark can still match. Windows end at whole 10 s, and
                // the next to fire is the first whose end - 1 is past the watermark; a bid matches it if within its 10 s.
                var nextEnd = (watermark + 1) / (10 * Second) * (10 * Second) + 10 * Second;
                Assert.Equal(model[0].Count(b => b.TimeMillis >= nextEnd - 10 * Second), RowsKept(store, stateId));
                checks++;
                continue;
            }

            // The model: a regular join keeps every row; a row joins each earlier row of the other side that passes the condition.
            foreach (var other in model[1 - step.Input])
            {
                var (bid, max) = step.Input == 0 ? (step, other) : (other, step);
                if (bid.Price != max.Price || bid.TimeMillis < max.TimeMillis - 10 * Second || bid.TimeMillis > max.TimeMillis)
                    continue;
                if (step.Input == 0 && step.TimeMillis <= current - 10 * Second)
                    lateJoined++; // a bid so late that it would already have been dropped joins the windows kept
                expected.Add($"+I {bid.Price} {Text(bid.TimeMillis)} {bid.Id} {max.Price} {Text(max.TimeMillis)}");
            }

            model[step.Input].Add(step);
            join.ProcessBatch(step.Input, step.Input == 0 ? Bid(step) : Max(step));
        }

        Assert.Equal(expected, output.Rows);
        Assert.True(expected.Count > 100, $"only {expected.Count} joined rows: the scenario matches too little");
        Assert.True(checks > 30);
        Assert.True(lateJoined > 0);
        Assert.True(RowsKept(store, stateId) < 1_500, "of 4,000 bids, those of the last 10 s and the 3 s out of order are kept");
    }

    [Fact]
    public void A_late_bid_still_joins_the_windows_kept_and_goes_at_once()
    {
        // As for a HOP or CUMULATE window: a bid goes once the watermark passes its time + 10 s.
        var (join, output, store) = Open(windowSize: 0);
        var stateId = JoinRecordState.StateIdFor("join", "left", outer: false, ttlMillis: 0);

        join.ProcessBatch(1, Max(new Step(1, 50, 10 * Second, -1)));  // window [0 s, 10 s): max 50
        join.ProcessWatermark(1, 30 * Second);
        join.ProcessBatch(0, Bid(new Step(0, 50, 5 * Second, 1)));    // 25 s behind the watermark: joins all the same
        join.ProcessBatch(0, Bid(new Step(0, 50, 25 * Second, 2)));   // can still match the window ending at 35 s
        join.SnapshotState(new CheckpointBarrier(1, 0, SnapshotKind.Checkpoint), new Dictionary<string, byte[]>());
        Assert.Equal(1, RowsKept(store, stateId)); // bid 1 went after its batch: no later window can match it

        join.ProcessWatermark(1, 30 * Second + 1);
        join.ProcessBatch(1, Max(new Step(1, 50, 35 * Second, -1)));
        join.ProcessWatermark(1, 35 * Second);                       // 25 s + 10 s: bid 2 can match no later window
        join.SnapshotState(new CheckpointBarrier(2, 0, SnapshotKind.Checkpoint), new Dictionary<string, byte[]>());

        Assert.Equal([
            $"+I 50 {Text(5 * Second)} 1 50 {Text(10 * Second)}",
            $"+I 50 {Text(25 * Second)} 2 50 {Text(35 * Second)}",
        ], output.Rows);
        Assert.Empty(store.Entries(stateId));
    }

    [Fact]
    public void Bids_behind_a_window_side_that_ran_ahead_or_ended_join_and_go_at_once()
    {
        var (join, output, store) = Open(windowSize: 10 * Second);
        var stateId = JoinRecordState.StateIdFor("join", "left", outer: false, ttlMillis: 0);

        join.ProcessBatch(1, Max(new Step(1, 50, 10 * Second, -1)));
        join.ProcessBatch(1, Max(new Step(1, 70, 20 * Second, -1)));
        join.ProcessWatermark(1, 25 * Second);      // the window side is ahead: windows up to 20 s fired
        join.ProcessBatch(0, Bid(new Step(0, 50, 4 * Second, 1)));
        join.ProcessBatch(0, Bid(new Step(0, 70, 19 * Second, 2)));
        join.ProcessBatch(0, Bid(new Step(0, 70, 21 * Second, 3))); // the window ending at 30 s may still match it
        join.ProcessWatermark(1, long.MaxValue);    // the window side ended
        join.ProcessBatch(0, Bid(new Step(0, 70, 22 * Second, 4)));
        join.SnapshotState(new CheckpointBarrier(1, 0, SnapshotKind.Checkpoint), new Dictionary<string, byte[]>());

        Assert.Equal([
            $"+I 50 {Text(4 * Second)} 1 50 {Text(10 * Second)}",
            $"+I 70 {Text(19 * Second)} 2 70 {Text(20 * Second)}",
        ], output.Rows);
        Assert.Equal(0, RowsKept(store, stateId));
    }

    [Fact]
    public void A_bid_unique_by_its_id_that_comes_past_its_time_replaces_the_one_kept_all_the_same()
    {
        // Bids unique by id: Flink keeps one row per id, the last. Bid 1 again at 5 s can match nothing, so it is not
        // kept, but the row it replaces (at 25 s) must go: the window ending at 35 s would match that one.
        var (join, output, store) = Open(windowSize: 0, bidUniqueKey: [2]);
        var stateId = JoinRecordState.StateIdFor("join", "left", outer: false, ttlMillis: 0, unique: true);

        join.ProcessBatch(1, Max(new Step(1, 50, 30 * Second, -1)));
        join.ProcessWatermark(1, 30 * Second);
        join.ProcessBatch(0, Bid(new Step(0, 50, 25 * Second, 1)));
        join.ProcessBatch(0, Bid(new Step(0, 50, 5 * Second, 1)));
        join.ProcessBatch(1, Max(new Step(1, 50, 35 * Second, -1)));
        join.SnapshotState(new CheckpointBarrier(1, 0, SnapshotKind.Checkpoint), new Dictionary<string, byte[]>());

        Assert.Equal([$"+I 50 {Text(25 * Second)} 1 50 {Text(30 * Second)}"], output.Rows);
        Assert.Equal(0, RowsKept(store, stateId));
    }

    /// <summary>
    /// Bids 25 ms apart on average, up to 3 s out of order, one in 50 of them 10 to 40 s late; the windows' input
    /// is the bids with a watermark 3 s behind the largest time (as a source's bounded out-of-orderness), so a tumbling
    /// 10 s window's maximum comes once the watermark reaches its end - 1, late bids left out of it (as the window
    /// aggregate drops them), and the watermark follows. Prices repeat (1 to 8), so keys hold many bids and each window's maximum matches several.
    /// </summary>
    private static List<Step> Scenario(Random random, int bids)
    {
        var steps = new List<Step>();
        var open = new SortedDictionary<long, long>(); // window end -> max price
        var (maxTime, watermark) = (0L, long.MinValue);
        for (var id = 0; id < bids; id++)
        {
            var time = id * 25L + random.Next(0, 3000);
            if (random.Next(50) == 0)
                time = Math.Max(0, time - random.Next(10_000, 40_000));
            var price = random.Next(1, 9);
            steps.Add(new Step(0, price, time, id));
            var end = time - time % (10 * Second) + 10 * Second;
            if (end - 1 > watermark)
                open[end] = Math.Max(open.GetValueOrDefault(end), price);
            maxTime = Math.Max(maxTime, time);
            if (id % 40 != 39 || maxTime - 3000 - 1 <= watermark)
                continue;
            watermark = maxTime - 3000 - 1;
            foreach (var (fired, max) in open.Where(w => w.Key - 1 <= watermark).ToList())
            {
                steps.Add(new Step(1, max, fired, -1));
                open.Remove(fired);
            }

            steps.Add(new Step(-1, 0, 0, 0, watermark));
        }

        return steps;
    }

    /// <summary>The join with q7's retention: its bids dropped by the window side's watermark, by the ends of TUMBLE windows of <paramref name="windowSize"/> (0: another window, by the watermark alone).</summary>
    private static (StreamingJoinOperator Join, CollectingRows Output, IKeyedStateStore Store) Open(long windowSize, int[]? bidUniqueKey = null)
    {
        // bid.dateTime >= max.window_end - 10 s AND bid.dateTime <= max.window_end, over the bid's columns then the max's.
        var (bidTime, end) = (new InputRef(1, Time), new InputRef(4, Time));
        var lower = new CallExpr(">=", [bidTime, new CallExpr("-", [end, new Literal(10 * Second, SqlType.IntervalDayTime.NotNull)], Time)], SqlType.Boolean);
        var upper = new CallExpr("<=", [bidTime, end], SqlType.Boolean);
        var residual = CalcProgram.Compile([.. BidTypes, .. MaxTypes], null,
            [new CallExpr("IS TRUE", [new CallExpr("AND", [lower, upper], SqlType.Boolean)], SqlType.Boolean.NotNull)], new SqlContext(TimeZoneInfo.Utc, TimeProvider.System));
        var spec = new JoinOperatorSpec(false, false, new RowKeys([0], [SqlType.BigInt]), new RowKeys([0], [SqlType.BigInt]), BidTypes, MaxTypes, [.. BidTypes, .. MaxTypes],
            residual, TtlMillis: 0, BatchMode: false, LeftUniqueKey: bidUniqueKey, Retention: new JoinRetention(DropLeft: true, TimeColumn: 1, OffsetMillis: -10 * Second, WindowSize: windowSize));
        var output = new CollectingRows { WithKinds = true };
        var store = new HeapKeyedStateStore();
        var join = SqlOperatorHarness.Open(() => new StreamingJoinOperator("join", spec) { StateKey = "join" }, output, store);
        return (join, output, store);
    }

    /// <summary>The rows a side's list state holds: each key's value is its rows, each framed by its length.</summary>
    private static int RowsKept(IKeyedStateStore store, string stateId)
    {
        var rows = 0;
        foreach (var (_, value) in store.Entries(stateId))
        {
            for (var at = 0; at < value.Length; at += 4 + BitConverter.ToInt32(value, at))
                rows++;
        }

        return rows;
    }

    private static RowBatch Bid(Step bid)
    {
        var builder = new RowBuilder(BidTypes);
        builder.Add(RowKind.Insert, [bid.Price, bid.TimeMillis * 1000, bid.Id]);
        return builder.Take()!;
    }

    private static RowBatch Max(Step max)
    {
        var builder = new RowBuilder(MaxTypes);
        builder.Add(RowKind.Insert, [max.Price, max.TimeMillis * 1000]);
        return builder.Take()!;
    }

    /// <summary>A TIMESTAMP's value as the collected rows show it (microseconds).</summary>
    private static string Text(long millis) => (millis * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
