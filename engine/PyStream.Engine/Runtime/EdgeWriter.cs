using PyStream.Engine.Runtime.Partitioning;
using PyStream.Engine.Time;

namespace PyStream.Engine.Runtime;

/// <summary>
/// The producer side of one edge in one subtask: routes batches into the consumers' gates.
/// Records for a consumer wait in an output buffer until it holds <see cref="FullBatch"/> records or
/// the buffer timeout has passed since the first of them arrived (Flink's <c>execution.buffer-timeout</c>);
/// a zero timeout sends every batch as produced, a null one only full buffers. Watermarks, barriers and
/// end of input send the buffered records first, so order is kept. Runs on the task's thread only.
/// </summary>
internal sealed class EdgeWriter : IBatchConsumer
{
    /// <summary>Records in a full output buffer: the batch size of the engine's sources.</summary>
    public const int FullBatch = Operators.SourceOperator.BatchSize;

    private readonly BatchRouter _router;
    private readonly (InputGate Gate, int Channel)[] _targets;
    private readonly CancellationToken _cancellation;
    private readonly System.Diagnostics.TagList _telemetryTags;
    private readonly TimeSpan? _bufferTimeout;
    private readonly ProcessingTimeService? _timers;
    private readonly List<Batch>[] _buffered;
    private readonly int[] _bufferedRecords;
    private int _bufferedTargets;
    private IDisposable? _flushTimer;
    private long _timerGeneration;
    private long _watermark = long.MinValue;

    /// <param name="bufferTimeout">How long a partly filled buffer may wait; zero: not at all; null: until full.</param>
    /// <param name="timers">The task's processing time, which fires the buffer timeout on the task's thread.</param>
    public EdgeWriter(BatchRouter router, (InputGate Gate, int Channel)[] targets, CancellationToken cancellation,
        System.Diagnostics.TagList telemetryTags = default, TimeSpan? bufferTimeout = default, ProcessingTimeService? timers = null)
    {
        if (bufferTimeout is { } timeout && timeout > TimeSpan.Zero)
            ArgumentNullException.ThrowIfNull(timers);
        _router = router;
        _targets = targets;
        _cancellation = cancellation;
        _telemetryTags = telemetryTags;
        _bufferTimeout = bufferTimeout;
        _timers = timers;
        _buffered = new List<Batch>[targets.Length];
        _bufferedRecords = new int[targets.Length];
    }

    public void Accept(Batch batch)
    {
        Telemetry.EngineTelemetry.RecordsOut.Add(batch.Count, _telemetryTags);
        var routed = _router.Route(batch);
        var sendNow = _bufferTimeout == TimeSpan.Zero;
        for (var i = 0; i < routed.Length; i++)
        {
            if (routed[i] is not { } part)
                continue;
            if (sendNow || (_bufferedRecords[i] == 0 && part.Count >= FullBatch))
                Send(i, part);
            else
                Buffer(i, part);
        }

        if (_bufferedTargets > 0 && _flushTimer is null && _bufferTimeout is { } timeout)
        {
            // A timer cancelled after it already posted its flush must not flush a later buffer early.
            var generation = ++_timerGeneration;
            _flushTimer = _timers!.ScheduleOnce(timeout, () => OnBufferTimeout(generation));
        }
    }

    public void AcceptWatermark(long watermark)
    {
        if (watermark <= _watermark)
            return;
        _watermark = watermark;
        Flush();
        foreach (var (gate, channel) in _targets)
            gate.Write(new InputEvent(channel, InputEventKind.Watermark, Watermark: watermark), _cancellation);
    }

    public void AcceptWatermarkStatus(bool idle)
    {
        Flush();
        foreach (var (gate, channel) in _targets)
            gate.Write(new InputEvent(channel, InputEventKind.WatermarkStatus, Idle: idle), _cancellation);
    }

    /// <summary>A checkpoint barrier goes to every consumer, after every record sent before it.</summary>
    public void AcceptBarrier(Checkpointing.CheckpointBarrier barrier)
    {
        Flush();
        foreach (var (gate, channel) in _targets)
            gate.Write(new InputEvent(channel, InputEventKind.Barrier, Barrier: barrier), _cancellation);
    }

    public void EndOfInput()
    {
        Flush();
        foreach (var (gate, channel) in _targets)
            gate.Write(new InputEvent(channel, InputEventKind.EndOfPartition), _cancellation);
    }

    /// <summary>Sends every buffered record on, in the order produced.</summary>
    public void Flush()
    {
        _flushTimer?.Dispose();
        _flushTimer = null;
        if (_bufferedTargets == 0)
            return;
        for (var i = 0; i < _targets.Length; i++)
        {
            if (_bufferedRecords[i] > 0)
                SendBuffered(i);
        }
    }

    private void OnBufferTimeout(long generation)
    {
        if (generation == _timerGeneration && _flushTimer is not null)
            Flush();
    }

    private void Buffer(int target, Batch part)
    {
        if (_bufferedRecords[target] == 0)
            _bufferedTargets++;
        (_buffered[target] ??= []).Add(part);
        _bufferedRecords[target] += part.Count;
        if (_bufferedRecords[target] >= FullBatch)
            SendBuffered(target);
    }

    private void SendBuffered(int target)
    {
        var parts = _buffered[target];
        _bufferedRecords[target] = 0;
        _bufferedTargets--;
        foreach (var part in parts)
            Send(target, part);
        parts.Clear();
        if (_bufferedTargets == 0)
        {
            _flushTimer?.Dispose();
            _flushTimer = null;
        }
    }

    private void Send(int target, Batch part)
    {
        var (gate, channel) = _targets[target];
        var held = gate.Write(new InputEvent(channel, InputEventKind.Batch, part), _cancellation);
        if (held > 0)
            Telemetry.EngineTelemetry.BackpressuredTime.Add(held, _telemetryTags);
    }
}
