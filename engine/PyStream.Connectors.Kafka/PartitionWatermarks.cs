using Confluent.Kafka;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;

namespace PyStream.Connectors.Kafka;

/// <summary>
/// Watermarks generated per partition and combined as Flink combines a source's splits: the
/// minimum over partitions that are neither finished nor idle. A partition without records for
/// the idleness timeout stops holding back time until its next record; with no active
/// partition (none assigned, all idle) the source is idle.
/// </summary>
internal sealed class PartitionWatermarks(WatermarkSpec spec)
{
    private readonly Dictionary<TopicPartition, Output> _outputs = [];

    public void Add(TopicPartition partition, long now) => _outputs.TryAdd(partition, new Output { LastRecordAt = now });

    public void OnRecord(TopicPartition partition, long timestamp, long now)
    {
        var output = _outputs[partition];
        output.MaxTimestamp = Math.Max(output.MaxTimestamp, timestamp);
        output.LastRecordAt = now;
    }

    /// <summary>A bounded partition reached its end: it no longer holds back time.</summary>
    public void Finish(TopicPartition partition) => _outputs[partition].Finished = true;

    /// <summary>The combined watermark now, or null when no partition is active (the source is idle).</summary>
    public long? Combine(long now)
    {
        long? combined = null;
        foreach (var output in _outputs.Values)
        {
            if (output.Finished || (spec.IdlenessMs > 0 && now - output.LastRecordAt >= spec.IdlenessMs))
                continue;
            combined = Math.Min(combined ?? long.MaxValue, WatermarkAssignerOperator.CandidateFor(spec, output.MaxTimestamp));
        }

        return combined;
    }

    private sealed class Output
    {
        public long MaxTimestamp = long.MinValue;
        public long LastRecordAt;
        public bool Finished;
    }
}
