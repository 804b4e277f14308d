using PyStream.Engine.Runtime.Partitioning;

namespace PyStream.Engine.Runtime;

/// <summary>The producer side of one edge in one subtask: routes batches into the consumers' gates.</summary>
internal sealed class EdgeWriter(BatchRouter router, (InputGate Gate, int Channel)[] targets, CancellationToken cancellation,
    System.Diagnostics.TagList telemetryTags = default) : IBatchConsumer
{
    private long _watermark = long.MinValue;

    public void Accept(Batch batch)
    {
        Telemetry.EngineTelemetry.RecordsOut.Add(batch.Count, telemetryTags);
        var routed = router.Route(batch);
        for (var i = 0; i < routed.Length; i++)
        {
            if (routed[i] is not { } part)
                continue;
            var held = targets[i].Gate.Write(new InputEvent(targets[i].Channel, InputEventKind.Batch, part, 0), cancellation);
            if (held > 0)
                Telemetry.EngineTelemetry.BackpressuredTime.Add(held, telemetryTags);
        }
    }

    public void AcceptWatermark(long watermark)
    {
        if (watermark <= _watermark)
            return;
        _watermark = watermark;
        foreach (var (gate, channel) in targets)
            gate.Write(new InputEvent(channel, InputEventKind.Watermark, null, watermark), cancellation);
    }

    public void AcceptWatermarkStatus(bool idle)
    {
        foreach (var (gate, channel) in targets)
            gate.Write(new InputEvent(channel, InputEventKind.WatermarkStatus, null, idle ? 1 : 0), cancellation);
    }

    /// <summary>A checkpoint barrier goes to every consumer, after every record sent before it.</summary>
    public void AcceptBarrier(Checkpointing.CheckpointBarrier barrier)
    {
        foreach (var (gate, channel) in targets)
            gate.Write(new InputEvent(channel, InputEventKind.Barrier, null, 0, barrier), cancellation);
    }

    public void EndOfInput()
    {
        foreach (var (gate, channel) in targets)
            gate.Write(new InputEvent(channel, InputEventKind.EndOfPartition, null, long.MaxValue), cancellation);
    }
}
