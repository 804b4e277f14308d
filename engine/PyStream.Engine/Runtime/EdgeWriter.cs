using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Partitioning;

namespace PyStream.Engine.Runtime;

/// <summary>
/// The producer side of one edge in one subtask: routes batches into the consumers' gates.
/// Records for a consumer wait in an output buffer until it holds <see cref="FullBatch"/> records or
/// the buffer timeout has passed since the first of them arrived (Flink's <c>execution.buffer-timeout</c>);
/// a zero timeout sends every batch as produced, a null one only full buffers. Watermarks, barriers and
/// end of input send the buffered records first, so order is kept. The task's thread calls it; with a
/// timeout, the timer's thread also flushes (as Flink's output flusher does, so a task busy in a long
/// batch or a blocking poll does not hold records back), under a lock only such writers take.
/// A consumer that asks for smaller batches (<see cref="InputGate.BatchLimit"/>) gets its records
/// cut to that size, and its buffer is full at that size.
/// </summary>
internal sealed class EdgeWriter : IBatchConsumer
{
    /// <summary>Records in a full output buffer: the batch size of the engine's sources.</summary>
    public const int FullBatch = Operators.SourceOperator.BatchSize;

    private readonly BatchRouter _router;
    private readonly UserCode.IPythonBatchOps? _python;
    private readonly (IChannelTarget Gate, int Channel)[] _targets;
    private readonly CancellationToken _cancellation;
    private readonly System.Diagnostics.TagList _telemetryTags;
    private readonly TimeSpan? _bufferTimeout;
    private readonly TimeProvider? _time;
    private readonly Lock? _sync;
    private readonly List<Batch>[] _buffered;
    private readonly int[] _bufferedRecords;
    private int _bufferedTargets;
    private ITimer? _flushTimer;
    private long _timerGeneration;

    /// <summary>After a timeout found a consumer's queue full: how soon to try again (zero: not retrying).</summary>
    private TimeSpan _retry;

    /// <summary>The first retry: a queue full of small batches makes room as fast as its task takes them.</summary>
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(1);
    private long _watermark = long.MinValue;

    /// <param name="bufferTimeout">How long a partly filled buffer may wait; zero: not at all; null: until full.</param>
    /// <param name="time">The job's clock, whose timer sends a buffer at its timeout.</param>
    /// <param name="python">Cuts batches of Python records for consumers that ask for smaller batches.</param>
    public EdgeWriter(BatchRouter router, (IChannelTarget Gate, int Channel)[] targets, CancellationToken cancellation,
        System.Diagnostics.TagList telemetryTags = default, TimeSpan? bufferTimeout = default, TimeProvider? time = null,
        UserCode.IPythonBatchOps? python = null)
    {
        _router = router;
        _python = python;
        _targets = targets;
        _cancellation = cancellation;
        _telemetryTags = telemetryTags;
        _bufferTimeout = bufferTimeout;
        if (bufferTimeout is { } timeout && timeout > TimeSpan.Zero)
        {
            ArgumentNullException.ThrowIfNull(time);
            _time = time;
            _sync = new Lock();
        }

        _buffered = new List<Batch>[targets.Length];
        _bufferedRecords = new int[targets.Length];
    }

    /// <summary>
    /// The most records a batch routed here should hold so that no consumer gets more than its
    /// <see cref="InputGate.BatchLimit"/>: a broadcast gives each consumer the whole batch, other
    /// partitionings spread it over them.
    /// </summary>
    public int BatchLimit
    {
        get
        {
            var least = int.MaxValue;
            foreach (var (gate, _) in _targets)
                least = Math.Min(least, gate.BatchLimit);
            return _router.Spreads ? (int)Math.Min(int.MaxValue, (long)least * _targets.Length) : least;
        }
    }

    public void Accept(Batch batch)
    {
        Telemetry.EngineTelemetry.RecordsOut.Add(batch.Count, _telemetryTags);
        var routed = _router.Route(batch);
        if (_sync is null)
        {
            AcceptRouted(routed);
            return;
        }

        lock (_sync)
            AcceptRouted(routed);
    }

    private void AcceptRouted(Batch?[] routed)
    {
        var sendNow = _bufferTimeout == TimeSpan.Zero;
        for (var i = 0; i < routed.Length; i++)
        {
            if (routed[i] is not { } part)
                continue;
            if (sendNow || (_bufferedRecords[i] == 0 && part.Count >= FullAt(i)))
                Send(i, part);
            else
                Buffer(i, part);
        }

        if (_bufferedTargets > 0 && _flushTimer is null && _time is not null)
        {
            _retry = TimeSpan.Zero;
            ArmTimer(_bufferTimeout!.Value);
        }
    }

    private void ArmTimer(TimeSpan after)
    {
        // A timer that fires while it is being cancelled must not flush a later buffer early.
        var generation = ++_timerGeneration;
        _flushTimer = _time!.CreateTimer(_ => OnBufferTimeout(generation), null, after, Timeout.InfiniteTimeSpan);
    }

    public void AcceptWatermark(long watermark)
    {
        if (watermark <= _watermark)
            return;
        _watermark = watermark;
        SendAll(new InputEvent(0, InputEventKind.Watermark, Watermark: watermark));
    }

    public void AcceptWatermarkStatus(bool idle) => SendAll(new InputEvent(0, InputEventKind.WatermarkStatus, Idle: idle));

    /// <summary>A checkpoint barrier goes to every consumer, after every record sent before it.</summary>
    public void AcceptBarrier(Checkpointing.CheckpointBarrier barrier) => SendAll(new InputEvent(0, InputEventKind.Barrier, Barrier: barrier));

    public void EndOfInput() => SendAll(new InputEvent(0, InputEventKind.EndOfPartition));

    /// <summary>The buffered records, then <paramref name="e"/> to every consumer (on its channel).</summary>
    private void SendAll(InputEvent e)
    {
        if (_sync is null)
        {
            FlushThenSend(e);
            return;
        }

        lock (_sync)
            FlushThenSend(e);
    }

    private void FlushThenSend(InputEvent e)
    {
        FlushBuffers();
        foreach (var (gate, channel) in _targets)
            gate.Write(e with { Channel = channel }, _cancellation);
    }

    private void FlushBuffers()
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

    /// <summary>
    /// On the timer's thread: sends what the consumers take without waiting. What a full
    /// consumer cannot take now is tried again after 1 ms, then after twice as long each time
    /// up to the timeout (a queue full of small batches empties fast; a busy consumer is not
    /// polled often), or goes with the task's own next send, which may wait; the timer's thread
    /// never blocks.
    /// </summary>
    private void OnBufferTimeout(long generation)
    {
        lock (_sync!)
        {
            if (generation != _timerGeneration || _flushTimer is null)
                return;
            _flushTimer.Dispose();
            _flushTimer = null;
            for (var i = 0; i < _targets.Length; i++)
            {
                if (_bufferedRecords[i] > 0)
                    TrySendBuffered(i);
            }

            if (_bufferedTargets > 0)
            {
                var timeout = _bufferTimeout!.Value;
                _retry = _retry == TimeSpan.Zero ? FirstRetry : _retry * 2 < timeout ? _retry * 2 : timeout;
                ArmTimer(_retry < timeout ? _retry : timeout);
            }
        }
    }

    /// <summary>Sends a target's buffered parts in order until its consumer's queue is full.</summary>
    private void TrySendBuffered(int target)
    {
        var parts = _buffered[target];
        var (gate, channel) = _targets[target];
        var sent = 0;
        while (sent < parts.Count && gate.TryWrite(new InputEvent(channel, InputEventKind.Batch, parts[sent])))
        {
            _bufferedRecords[target] -= parts[sent].Count;
            sent++;
        }

        parts.RemoveRange(0, sent);
        if (parts.Count == 0)
            _bufferedTargets--;
    }

    private void Buffer(int target, Batch part)
    {
        if (_bufferedRecords[target] == 0)
            _bufferedTargets++;
        (_buffered[target] ??= []).Add(part);
        _bufferedRecords[target] += part.Count;
        if (_bufferedRecords[target] >= FullAt(target))
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

    /// <summary>Records that fill a target's output buffer: a full batch, or fewer for a consumer that asks for fewer.</summary>
    private int FullAt(int target) => Math.Min(FullBatch, _targets[target].Gate.BatchLimit);

    /// <summary>Sends a part, cut to the consumer's batch limit (each piece as the consumer takes it, under backpressure).</summary>
    private void Send(int target, Batch part)
    {
        var (gate, channel) = _targets[target];
        if (part is UserCode.PickledPythonBatch pickled && part.Count > gate.BatchLimit)
            part = pickled.Unpickle(); // a consumer that asks for smaller batches than the split made: cut as objects
        while (Operators.BatchPieces.CanCut(part))
        {
            // Read once: the consumer's task moves its limit concurrently, and a second read could exceed the part.
            var limit = gate.BatchLimit;
            if (part.Count <= limit)
                break;
            var (head, rest) = Operators.BatchPieces.Take(part, limit, _python);
            Write(gate, channel, head);
            part = rest;
        }

        Write(gate, channel, part);
    }

    private void Write(IChannelTarget gate, int channel, Batch part)
    {
        var held = gate.Write(new InputEvent(channel, InputEventKind.Batch, part), _cancellation);
        if (held > 0)
            Telemetry.EngineTelemetry.BackpressuredTime.Add(held, _telemetryTags);
    }
}
