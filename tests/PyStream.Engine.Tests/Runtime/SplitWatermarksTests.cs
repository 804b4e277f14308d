using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Time;

namespace PyStream.Engine.Tests.Runtime;

public sealed class SplitWatermarksTests
{
    private const int P0 = 0;
    private const int P1 = 1;

    private readonly List<string> _emitted = [];

    private SplitWatermarks Bounded(long outOfOrderness, long idleness = 0) =>
        new(new WatermarkGeneration(WatermarkKind.BoundedOutOfOrderness, outOfOrderness, idleness),
            watermark => _emitted.Add($"watermark {watermark}"), idle => _emitted.Add(idle ? "idle" : "active"));

    [Fact]
    public void The_watermark_is_the_minimum_over_splits()
    {
        var watermarks = Bounded(100);
        watermarks.Add(P0, now: 0);
        watermarks.Add(P1, now: 0);
        watermarks.OnRecord(P0, 5_000, now: 0);
        watermarks.EmitDue(now: 0);
        Assert.Empty(_emitted); // split 1 has no record yet: it holds time back
        watermarks.OnRecord(P1, 2_000, now: 0);
        watermarks.EmitDue(now: 0);
        Assert.Equal([$"watermark {2_000 - 100 - 1}"], _emitted);
    }

    [Fact]
    public void An_idle_split_stops_holding_back_time_until_its_next_record()
    {
        var watermarks = Bounded(0, idleness: 1_000);
        watermarks.Add(P0, now: 0);
        watermarks.Add(P1, now: 0);
        watermarks.OnRecord(P0, 1_000, now: 0);
        watermarks.OnRecord(P1, 9_000, now: 500);
        watermarks.EmitDue(now: 900);
        watermarks.EmitDue(now: 1_000); // split 0 idle
        watermarks.EmitDue(now: 1_500); // both idle: the source is idle
        watermarks.OnRecord(P0, 1_200, now: 1_600); // active again at once, before the next period
        watermarks.EmitDue(now: 1_600); // 1_199 is behind what was emitted: nothing new
        watermarks.OnRecord(P0, 9_500, now: 1_700);
        watermarks.EmitDue(now: 1_700); // split 1 is still idle
        Assert.Equal(["watermark 999", "watermark 8999", "idle", "active", "watermark 9499"], _emitted);
    }

    [Fact]
    public void A_finished_split_no_longer_counts_and_no_splits_means_idle()
    {
        var watermarks = Bounded(0);
        watermarks.EmitDue(now: 0);
        Assert.Equal(["idle"], _emitted);
        watermarks.Add(P0, now: 0);
        watermarks.Add(P1, now: 0);
        watermarks.OnRecord(P1, 4_000, now: 0);
        watermarks.Finish(P0);
        watermarks.EmitDue(now: 0);
        Assert.Equal(["idle", "active", "watermark 3999"], _emitted);
    }
}
