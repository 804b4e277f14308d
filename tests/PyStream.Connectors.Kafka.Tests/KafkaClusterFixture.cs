using Confluent.Kafka;

namespace PyStream.Connectors.Kafka.Tests;

/// <summary>One mock Kafka cluster on 127.0.0.1 per test class; each test uses topics of its own.</summary>
public sealed class KafkaClusterFixture : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public KafkaClusterFixture() => Cluster = MockKafkaCluster.Start();

    public MockKafkaCluster Cluster { get; }

    public string Bootstrap => Cluster.BootstrapServers;

    public string NewTopic(int partitions)
    {
        var name = "t-" + Guid.NewGuid().ToString("N")[..12];
        Cluster.CreateTopic(name, partitions);
        return name;
    }

    /// <summary>Writes values to given partitions (value i to partition i mod partitions), with timestamps when given.</summary>
    public void Produce(string topic, int partitions, IReadOnlyList<byte[]?> values, IReadOnlyList<long>? timestamps = null)
    {
        using var producer = new ProducerBuilder<Null, byte[]?>(new ProducerConfig { BootstrapServers = Bootstrap }).Build();
        for (var i = 0; i < values.Count; i++)
        {
            var message = new Message<Null, byte[]?> { Value = values[i] };
            if (timestamps is not null)
                message.Timestamp = new Timestamp(timestamps[i], TimestampType.CreateTime);
            producer.Produce(new TopicPartition(topic, i % partitions), message);
        }

        Assert.Equal(0, producer.Flush(Timeout));
    }

    public void Produce(string topic, int partitions, IEnumerable<string> values, IReadOnlyList<long>? timestamps = null) =>
        Produce(topic, partitions, values.Select(v => (byte[]?)System.Text.Encoding.UTF8.GetBytes(v)).ToList(), timestamps);

    /// <summary>Everything in a topic (the mock does not hide aborted transactions), partition by partition.</summary>
    public List<(int Partition, string? Key, string Value, long Timestamp)> ReadAll(string topic)
    {
        using var consumer = new ConsumerBuilder<string?, string>(new ConsumerConfig
        {
            BootstrapServers = Bootstrap,
            GroupId = "reader",
            EnablePartitionEof = true,
            EnableAutoCommit = false,
        }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        var partitions = admin.GetMetadata(topic, Timeout).Topics.Single().Partitions.Count;
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<(int, string?, string, long)>();
        var ended = new HashSet<int>();
        while (ended.Count < partitions)
        {
            var result = consumer.Consume(Timeout) ?? throw new TimeoutException($"reading '{topic}' took over {Timeout}");
            if (result.IsPartitionEOF)
                ended.Add(result.Partition.Value);
            else
                records.Add((result.Partition.Value, result.Message.Key, result.Message.Value, result.Message.Timestamp.UnixTimestampMs));
        }

        return records;
    }

    public void Dispose() => Cluster.Dispose();
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaClusterFixture>
{
    public const string Name = "kafka";
}
