using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>
/// The event-time interval join, row by row: l.ts BETWEEN r.ts - 2 s AND r.ts + 1 s, a LEFT join.
/// Each expected row and watermark is worked out by hand from Flink's rules: a row waits while the
/// watermark is below its upper bound, a clean-up timer per key and side fires at the row's time plus
/// its side's relative size plus 1 ms, an unmatched left row is padded when it is cleaned up (or at
/// once when it comes too late to wait), and the watermark sent on lags by the larger relative size.
/// </summary>
public sealed class IntervalJoinOperatorTests
{
    private static readonly SqlType[] SideTypes = [SqlType.Int, SqlType.String, SqlType.Timestamp(3)];

    [Fact]
    public void Rows_wait_until_the_watermark_passes_their_bounds_and_unmatched_left_rows_are_padded()
    {
        var output = new CollectingRows { WithKinds = true };
        var join = SqlOperatorHarness.Open(() => new IntervalJoinOperator("interval", Spec(leftOuter: true)) { StateKey = "interval" }, output, new HeapKeyedStateStore());

        join.ProcessBatch(0, Rows((1, "a", 10_000)));      // waits: right rows up to 12 s can match it; clean-up at 12.001 s
        join.ProcessBatch(1, Rows((1, "x", 11_000)));      // 10 s is within [11 - 2, 11 + 1]: joined
        join.ProcessBatch(0, Rows((1, "b", 20_000)));      // no right row near 20 s
        Watermark(join, 12_001);                            // a and x are cleaned (a matched: no padding); b waits, next clean-up 22.001 s
        join.ProcessBatch(0, Rows((1, "c", 5_000)));       // too late to wait (its bound 7 s is behind 12.001 s) and unmatched: padded at once
        join.ProcessBatch(1, Rows((1, "y", 15_000)));      // left rows of 13..16 s: none (b is at 20 s)
        Watermark(join, 30_000);                            // y and b are cleaned; b never matched: padded

        Assert.Equal([
            "+I 1 a 10000000 1 x 11000000",
            "+I 1 c 5000000 null null null",
            "+I 1 b 20000000 null null null",
        ], output.Rows);
        Assert.Equal([12_001 - 2_000, 30_000 - 2_000], output.Watermarks);
    }

    [Fact]
    public void An_inner_interval_join_matches_both_ways_within_the_bounds_only()
    {
        var output = new CollectingRows { WithKinds = true };
        var join = SqlOperatorHarness.Open(() => new IntervalJoinOperator("interval", Spec(leftOuter: false)) { StateKey = "interval" }, output, new HeapKeyedStateStore());

        join.ProcessBatch(1, Rows((1, "x", 10_000), (2, "z", 10_000)));
        // 7.999 s is below 10 - 2; 8 s and 11 s are the bounds; 11.001 s is above; key 2 matches only key 2.
        join.ProcessBatch(0, Rows((1, "a", 7_999), (1, "b", 8_000), (1, "c", 11_000), (1, "d", 11_001), (2, "e", 9_000)));
        Watermark(join, long.MaxValue);

        Assert.Equal(["+I 1 b 8000000 1 x 10000000", "+I 1 c 11000000 1 x 10000000", "+I 2 e 9000000 2 z 10000000"], output.Rows);
        Assert.Equal([long.MaxValue], output.Watermarks);
    }

    [Fact]
    public void A_null_key_matches_a_null_key_only_when_compared_by_is_not_distinct_from()
    {
        foreach (var nullSafe in new[] { false, true })
        {
            var output = new CollectingRows { WithKinds = true };
            var spec = Spec(leftOuter: true);
            spec = spec with { Join = spec.Join with { NullSafe = [nullSafe] } };
            var join = SqlOperatorHarness.Open(() => new IntervalJoinOperator("interval", spec) { StateKey = "interval" }, output, new HeapKeyedStateStore());

            join.ProcessBatch(1, Rows((null, "x", 10_000)));
            join.ProcessBatch(0, Rows((null, "a", 10_000)));
            Watermark(join, long.MaxValue);

            // =: the left row is padded at once and the right one never kept; IS NOT DISTINCT FROM: the two join.
            Assert.Equal([nullSafe ? "+I null a 10000000 null x 10000000" : "+I null a 10000000 null null null"], output.Rows);
        }
    }

    [Fact]
    public void Waiting_rows_and_their_clean_up_survive_into_a_restored_operator()
    {
        var store = new HeapKeyedStateStore();
        var before = SqlOperatorHarness.Open(() => new IntervalJoinOperator("interval", Spec(leftOuter: true)) { StateKey = "interval" }, new CollectingRows(), store);
        before.ProcessBatch(0, Rows((1, "a", 10_000)));

        // A new instance on the same state (as after a restore) knows a's clean-up timer from state alone.
        var output = new CollectingRows { WithKinds = true };
        var after = SqlOperatorHarness.Open(() => new IntervalJoinOperator("interval", Spec(leftOuter: true)) { StateKey = "interval" }, output, store);
        after.ProcessBatch(1, Rows((2, "z", 10_000)));
        Watermark(after, 20_000);

        Assert.Equal(["+I 1 a 10000000 null null null"], output.Rows);
        Assert.Empty(store.Entries("m:interval/left-rows"));
    }

    [Fact]
    public void In_processing_time_rows_are_timed_and_cleaned_by_the_tasks_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(10_000));
        var output = new CollectingRows { WithKinds = true };
        var spec = Spec(leftOuter: true) with { LeftLowerBound = -1_000, LeftUpperBound = 1_000, ProcTime = true };
        var join = SqlOperatorHarness.Open(() => new IntervalJoinOperator("interval", spec) { StateKey = "interval" }, output, new HeapKeyedStateStore(), clock, processingTimers: true);

        join.ProcessBatch(0, Rows((1, "a", 0)));            // at 10 s: waits until 11 s, clean-up at 11.001 s
        clock.Advance(TimeSpan.FromMilliseconds(500));
        join.ProcessBatch(1, Rows((1, "x", 0)));            // at 10.5 s: a (10 s) is within 1 s
        clock.Advance(TimeSpan.FromMilliseconds(1_000));    // 11.5 s: a is cleaned (matched)
        join.ProcessBatch(0, Rows((1, "b", 0)));            // at 11.5 s: x (10.5 s) is within 1 s
        clock.Advance(TimeSpan.FromMilliseconds(2_000));    // 13.5 s: x and b are cleaned
        join.ProcessBatch(0, Rows((1, "c", 0)));            // at 13.5 s: nothing to match; padded at its clean-up
        clock.Advance(TimeSpan.FromMilliseconds(2_000));

        Assert.Equal(["+I 1 a 0 1 x 0", "+I 1 b 0 1 x 0", "+I 1 c 0 null null null"], output.Rows);
    }

    private static void Watermark(IntervalJoinOperator join, long watermark)
    {
        join.ProcessWatermark(0, watermark);
        join.ProcessWatermark(1, watermark);
    }

    private static IntervalJoinSpec Spec(bool leftOuter)
    {
        var keys = new RowKeys([0], [SqlType.Int]);
        var outputTypes = SideTypes.Concat(SideTypes).Select(t => t.AsNullable()).ToArray();
        var join = new JoinOperatorSpec(leftOuter, false, keys, keys, SideTypes, SideTypes, outputTypes, null, 0, false);
        return new IntervalJoinSpec(join, 2, 2, -2_000, 1_000, ProcTime: false);
    }

    private static RowBatch Rows(params (int? Key, string Value, long Millis)[] rows)
    {
        var builder = new RowBuilder(SideTypes);
        foreach (var (key, value, millis) in rows)
            builder.Add(RowKind.Insert, [key, value, millis * 1000]);
        return builder.Take()!;
    }
}
