using Confluent.Kafka;
using PyStream.Engine;
using PyStream.Engine.Spec;

namespace PyStream.Connectors.Kafka;

/// <summary>
/// Turns an offsets initializer (earliest, latest, committed, timestamp, specific) into a
/// concrete offset per partition, so that checkpoints always hold numbers.
/// </summary>
internal sealed class KafkaOffsetsResolver(IConsumer<byte[]?, string?> consumer, string groupId, string source)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public Dictionary<TopicPartition, long> Resolve(KafkaOffsets offsets, IReadOnlyCollection<TopicPartition> partitions)
    {
        var resolved = new Dictionary<TopicPartition, long>();
        if (partitions.Count == 0)
            return resolved;
        switch (offsets.Kind)
        {
            case KafkaOffsets.Types.Kind.Earliest:
                foreach (var tp in partitions)
                    resolved[tp] = Bounds(tp).Low;
                break;
            case KafkaOffsets.Types.Kind.Latest:
                foreach (var tp in partitions)
                    resolved[tp] = Bounds(tp).High;
                break;
            case KafkaOffsets.Types.Kind.Timestamp:
                var stamp = new Timestamp(offsets.TimestampMs, TimestampType.CreateTime);
                foreach (var found in Call(() => consumer.OffsetsForTimes(partitions.Select(tp => new TopicPartitionTimestamp(tp, stamp)), Timeout)))
                    resolved[found.TopicPartition] = found.Offset.IsSpecial ? Bounds(found.TopicPartition).High : found.Offset.Value;
                break;
            case KafkaOffsets.Types.Kind.Specific:
                foreach (var listed in offsets.Offsets)
                {
                    var tp = new TopicPartition(listed.Topic, listed.Partition);
                    if (partitions.Contains(tp))
                        resolved[tp] = listed.Offset;
                }

                ResolveCommitted(partitions.Where(tp => !resolved.ContainsKey(tp)).ToList(), offsets.ResetStrategy, resolved);
                break;
            case KafkaOffsets.Types.Kind.Committed:
                ResolveCommitted(partitions, offsets.ResetStrategy, resolved);
                break;
        }

        return resolved;
    }

    /// <summary>The group's committed offsets; partitions without one follow the reset strategy.</summary>
    private void ResolveCommitted(IReadOnlyCollection<TopicPartition> partitions, KafkaOffsets.Types.ResetStrategy reset, Dictionary<TopicPartition, long> resolved)
    {
        if (partitions.Count == 0)
            return;
        foreach (var committed in Call(() => consumer.Committed(partitions, Timeout)))
        {
            if (!committed.Offset.IsSpecial)
            {
                resolved[committed.TopicPartition] = committed.Offset.Value;
                continue;
            }

            resolved[committed.TopicPartition] = reset switch
            {
                KafkaOffsets.Types.ResetStrategy.ResetEarliest => Bounds(committed.TopicPartition).Low,
                KafkaOffsets.Types.ResetStrategy.ResetLatest => Bounds(committed.TopicPartition).High,
                _ => throw new PyStreamException(
                    $"{source}: partition {committed.TopicPartition} has no committed offset for group '{groupId}' and the reset strategy is NONE"),
            };
        }
    }

    private WatermarkOffsets Bounds(TopicPartition tp) => Call(() => consumer.QueryWatermarkOffsets(tp, Timeout));

    private T Call<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (KafkaException error)
        {
            throw new PyStreamException($"{source}: cannot look up offsets: {error.Error.Reason}", error);
        }
    }
}
