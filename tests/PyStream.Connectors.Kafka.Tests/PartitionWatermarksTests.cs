using Confluent.Kafka;
using PyStream.Engine.Spec;

namespace PyStream.Connectors.Kafka.Tests;

public sealed class PartitionWatermarksTests
{
    private static readonly TopicPartition P0 = new("t", 0);
    private static readonly TopicPartition P1 = new("t", 1);

    private static PartitionWatermarks Bounded(long outOfOrderness, long idleness = 0) =>
        new(new WatermarkSpec { Kind = WatermarkSpec.Types.Kind.BoundedOutOfOrderness, OutOfOrdernessMs = outOfOrderness, IdlenessMs = idleness });

    [Fact]
    public void The_watermark_is_the_minimum_over_partitions()
    {
        var watermarks = Bounded(100);
        watermarks.Add(P0, now: 0);
        watermarks.Add(P1, now: 0);
        watermarks.OnRecord(P0, 5_000, now: 0);
        Assert.Equal(long.MinValue, watermarks.Combine(now: 0)); // partition 1 has no record yet: it holds time back
        watermarks.OnRecord(P1, 2_000, now: 0);
        Assert.Equal(2_000 - 100 - 1, watermarks.Combine(now: 0));
    }

    [Fact]
    public void An_idle_partition_stops_holding_back_time_until_its_next_record()
    {
        var watermarks = Bounded(0, idleness: 1_000);
        watermarks.Add(P0, now: 0);
        watermarks.Add(P1, now: 0);
        watermarks.OnRecord(P0, 1_000, now: 0);
        watermarks.OnRecord(P1, 9_000, now: 500);
        Assert.Equal(999, watermarks.Combine(now: 900));
        Assert.Equal(8_999, watermarks.Combine(now: 1_000)); // partition 0 idle
        Assert.Null(watermarks.Combine(now: 1_500)); // both idle: the source is idle
        watermarks.OnRecord(P0, 1_200, now: 1_600);
        Assert.Equal(1_199, watermarks.Combine(now: 1_600));
    }

    [Fact]
    public void A_finished_partition_no_longer_counts_and_no_partitions_means_idle()
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
