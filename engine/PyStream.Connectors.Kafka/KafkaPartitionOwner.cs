namespace PyStream.Connectors.Kafka;

/// <summary>
/// Which subtask reads a partition: Flink's KafkaSourceEnumerator rule, so partitions land on
/// the same subtasks as on Flink. A topic's partitions go round-robin from a start that
/// depends on the topic name (Java's String.hashCode), spreading several topics' first partitions.
/// </summary>
public static class KafkaPartitionOwner
{
    public static int Of(string topic, int partition, int parallelism)
    {
        var start = (unchecked(JavaHashCode(topic) * 31) & 0x7FFFFFFF) % parallelism;
        return (start + partition) % parallelism;
    }

    private static int JavaHashCode(string text)
    {
        var hash = 0;
        foreach (var c in text)
            hash = unchecked((31 * hash) + c);
        return hash;
    }
}
