namespace PyStream.Connectors.Kafka.Tests;

public sealed class KafkaPartitionOwnerTests
{
    /// <summary>Expected owners computed with Flink's rule ((topic.hashCode() * 31 &amp; 0x7FFFFFFF) % n + partition) % n.</summary>
    [Theory]
    [InlineData("events", new[] { 3, 0, 1, 2, 3, 0 })]
    [InlineData("topic", new[] { 1, 2, 3, 0, 1, 2 })]
    public void Partitions_go_round_robin_from_a_start_that_depends_on_the_topic(string topic, int[] owners)
    {
        Assert.Equal(owners, Enumerable.Range(0, owners.Length).Select(p => KafkaPartitionOwner.Of(topic, p, 4)));
    }

    [Fact]
    public void Every_partition_has_one_owner_and_the_load_is_even()
    {
        var load = Enumerable.Range(0, 12).GroupBy(p => KafkaPartitionOwner.Of("orders", p, 3)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal([0, 1, 2], load.Keys.Order());
        Assert.All(load.Values, count => Assert.Equal(4, count));
    }
}
