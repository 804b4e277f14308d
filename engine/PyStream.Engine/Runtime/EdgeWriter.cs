using PyStream.Engine.Records;
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
            var held = targets[i].Gate.Write(new InputEvent(targets[i].Channel, InputEventKind.Batch, part), cancellation);
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
            gate.Write(new InputEvent(channel, InputEventKind.Watermark, Watermark: watermark), cancellation);
    }

    public void AcceptWatermarkStatus(bool idle)
    {
        foreach (var (gate, channel) in targets)
            gate.Write(new InputEvent(channel, InputEventKind.WatermarkStatus, Idle: idle), cancellation);
    }

    /// <summary>A checkpoint barrier goes to every consumer, after every record sent before it.</summary>
    public void AcceptBarrier(Checkpointing.CheckpointBarrier barrier)
    {
        foreach (var (gate, channel) in targets)
            gate.Write(new InputEvent(channel, InputEventKind.Barrier, Barrier: barrier), cancellation);
    }

    public void EndOfInput()
    {
        foreach (var (gate, channel) in targets)
            gate.Write(new InputEvent(channel, InputEventKind.EndOfPartition), cancellation);
    }
}
