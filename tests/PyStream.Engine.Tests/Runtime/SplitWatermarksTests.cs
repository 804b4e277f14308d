using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;

namespace PyStream.Engine.Tests.Runtime;

public sealed class SplitWatermarksTests
{
    private const int P0 = 0;
    private const int P1 = 1;

    private static SplitWatermarks Bounded(long outOfOrderness, long idleness = 0) =>
        new(new WatermarkSpec { Kind = WatermarkSpec.Types.Kind.BoundedOutOfOrderness, OutOfOrdernessMs = outOfOrderness, IdlenessMs = idleness });

    [Fact]
    public void The_watermark_is_the_minimum_over_splits()
    {
        var watermarks = Bounded(100);
        watermarks.Add(P0, now: 0);
        watermarks.Add(P1, now: 0);
        watermarks.OnRecord(P0, 5_000, now: 0);
        Assert.Equal(long.MinValue, watermarks.Combine(now: 0)); // split 1 has no record yet: it holds time back
        watermarks.OnRecord(P1, 2_000, now: 0);
        Assert.Equal(2_000 - 100 - 1, watermarks.Combine(now: 0));
    }

    [Fact]
    public void An_idle_split_stops_holding_back_time_until_its_next_record()
    {
        var watermarks = Bounded(0, idleness: 1_000);
        watermarks.Add(P0, now: 0);
        watermarks.Add(P1, now: 0);
        watermarks.OnRecord(P0, 1_000, now: 0);
        watermarks.OnRecord(P1, 9_000, now: 500);
        Assert.Equal(999, watermarks.Combine(now: 900));
        Assert.Equal(8_999, watermarks.Combine(now: 1_000)); // split 0 idle
        Assert.Null(watermarks.Combine(now: 1_500)); // both idle: the source is idle
        watermarks.OnRecord(P0, 1_200, now: 1_600);
        Assert.Equal(1_199, watermarks.Combine(now: 1_600));
    }

    [Fact]
    public void A_finished_split_no_longer_counts_and_no_splits_means_idle()
    {
        var watermarks = Bounded(0);
        Assert.Null(watermarks.Combine(now: 0));
        watermarks.Add(P0, now: 0);
        watermarks.Add(P1, now: 0);
        watermarks.OnRecord(P1, 4_000, now: 0);
        watermarks.Finish(P0);
        Assert.Equal(3_999, watermarks.Combine(now: 0));
    }
}
