using System.Threading.Channels;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Time;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime;

/// <summary>
/// One subtask of a chain on its own thread. Records, watermarks, barriers, end of input and
/// mailbox actions (timers, checkpoint triggers and commits) are handled in order on that
/// thread, so operators need no locks.
/// </summary>
internal sealed class StreamTask : ICheckpointedTask
{
    private readonly ChainAssembly _chain;
    private readonly InputGate? _gate;
    private readonly Channel<Action> _mailbox = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskSnapshotter? _snapshotter;
    private readonly BarrierAligner? _aligner;
    private bool _stopped;
    private bool _sourceHalted;

    private readonly Action? _onStopped;
    private System.Diagnostics.TagList _telemetryTags;

    public StreamTask(string name, ChainAssembly chain, InputGate? gate, IReadOnlyList<EdgeWriter> outputs, TaskSnapshotter? snapshotter, CheckpointingMode mode,
        Action? onStopped = null, int chainIndex = 0, int subtaskIndex = 0, TimeProvider? time = null)
    {
        ChainIndex = chainIndex;
        SubtaskIndex = subtaskIndex;
        _onStopped = onStopped;
        Name = name;
        _chain = chain;
        _gate = gate;
        Outputs = outputs;
        _snapshotter = snapshotter;
        if (gate is not null)
            _aligner = new BarrierAligner(gate.ChannelInputs.Length, mode == CheckpointingMode.ExactlyOnce, time);
    }

    public string Name { get; }

    public bool IsSource => _chain.Source is not null;

    /// <summary>The chain's position in the job graph.</summary>
    public int ChainIndex { get; }

    public int SubtaskIndex { get; }

    private volatile bool _ended;

    /// <summary>The task's thread has left its loop (finished, stopped, failed or cancelled); read by other threads.</summary>
    public bool Ended => _ended;

    /// <summary>Network outputs, which barriers are forwarded to.</summary>
    public IReadOnlyList<EdgeWriter> Outputs { get; }

    public void Post(Action action) => _mailbox.Writer.TryWrite(action);

    /// <summary>A source task starts a checkpoint: snapshot between two batches, then the barrier follows them.</summary>
    public void TriggerCheckpoint(CheckpointBarrier barrier) => Post(() =>
    {
        if (_sourceHalted)
            return;
        if (barrier.Drain)
            _chain.Source!.AdvanceToEndOfTime();
        Checkpoint(barrier);
        if (barrier.Kind == SnapshotKind.StopSavepoint)
            _sourceHalted = true;
    });

    /// <summary>A stop-with-savepoint failed: the source emits again.</summary>
    public void ResumeSource() => Post(() => _sourceHalted = false);

    /// <summary>Commits what the checkpoint covers; after a stop-with-savepoint the task then ends.</summary>
    public void NotifyCheckpointComplete(long checkpointId, bool stop) => Post(() =>
    {
        foreach (var op in _chain.Operators)
            op.NotifyCheckpointComplete(checkpointId);
        if (stop)
        {
            _stopped = true;
            _onStopped?.Invoke();
        }
    });

    public void Run(TaskContext context, Checkpointing.TaskRestore? restore, CancellationToken cancellation)
    {
        var opened = new List<StreamOperator>();
        _telemetryTags = context.TelemetryTags;
        Telemetry.EngineTelemetry.TrackWatermark(this, () => _chain.Operators.Max(op => op.OutputWatermark), context.Time, _telemetryTags);
        try
        {
            for (var i = _chain.Operators.Count - 1; i >= 0; i--)
            {
                _chain.Operators[i].Open(context);
                opened.Add(_chain.Operators[i]);
            }

            if (restore is not null)
            {
                foreach (var op in _chain.Operators)
                    op.RestoreState(restore);
            }

            if (_chain.Source is { } source)
                RunSource(source, cancellation);
            else
                RunInputs(context, cancellation);
            if (!_stopped && !_sourceHalted)
                _snapshotter?.SnapshotFinished(_chain);
        }
        finally
        {
            Telemetry.EngineTelemetry.Untrack(this);
            _ended = true;
            context.Timers.Dispose();
            try
            {
                foreach (var op in opened)
                    op.Close();
            }
            finally
            {
                context.State.Dispose();
            }
        }
    }

    private void RunSource(SourceOperator source, CancellationToken cancellation)
    {
        while (!_stopped)
        {
            cancellation.ThrowIfCancellationRequested();
            DrainMailbox();
            if (_stopped)
                return;
            if (_sourceHalted)
            {
                _mailbox.Reader.WaitToReadAsync(cancellation).AsTask().GetAwaiter().GetResult();
                continue;
            }

            if (!source.EmitNext())
                break;
        }

        DrainMailbox();
        if (!_stopped && !_sourceHalted)
            source.Complete();
    }

    private void RunInputs(TaskContext context, CancellationToken cancellation)
    {
        var gate = _gate!;
        var aligner = _aligner!;
        var inputCount = _chain.NetworkInputs.Length;
        // One valve per input over its channels; each channel is one of its valve's inputs.
        var valves = new WatermarkValve[inputCount];
        for (var i = 0; i < inputCount; i++)
        {
            var (op, opInput) = _chain.NetworkInputs[i];
            valves[i] = new WatermarkValve(watermark => op.ProcessWatermark(opInput, watermark), idle => op.ProcessWatermarkStatus(opInput, idle));
        }

        var valveInput = gate.ChannelInputs.Select(input => valves[input].AddInputs()).ToArray();
        var openChannels = valves.Select(v => v.InputCount).ToArray();
        var openInputs = inputCount;

        while (openInputs > 0 && !_stopped)
        {
            DrainMailbox();
            if (_stopped)
                return;
            if (!aligner.TryTakeReleased(out var next) && !gate.Reader.TryRead(out next))
            {
                WaitForWork(gate, cancellation);
                continue;
            }

            if (aligner.Holds(next))
                continue;
            var input = gate.ChannelInputs[next.Channel];
            var valve = valves[input];
            var (op, opInput) = _chain.NetworkInputs[input];
            switch (next.Kind)
            {
                case InputEventKind.Batch:
                    var records = next.Batch!.Count;
                    Telemetry.EngineTelemetry.RecordsIn.Add(records, _telemetryTags);
                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    op.ProcessBatch(opInput, next.Batch is PickledPythonBatch pickled ? pickled.Unpickle() : next.Batch);
                    gate.OnProcessed(records, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (!context.StateTtls.IsEmpty)
                        context.StateTtls.Sweep(context.State, records, context.Timers.Now);
                    break;
                case InputEventKind.Watermark:
                    valve.InputWatermark(valveInput[next.Channel], next.Watermark);
                    break;
                case InputEventKind.WatermarkStatus:
                    valve.InputIdle(valveInput[next.Channel], next.Idle);
                    break;
                case InputEventKind.Barrier:
                    if (aligner.OnBarrier(next.Channel, next.Barrier!) is { } aligned)
                        Checkpoint(aligned, aligner.LastAlignment);
                    break;
                case InputEventKind.EndOfPartition:
                    foreach (var completed in aligner.OnEndOfPartition(next.Channel))
                        Checkpoint(completed, aligner.LastAlignment);
                    if (--openChannels[input] == 0)
                    {
                        op.EndInput(opInput);
                        openInputs--;
                    }
                    else
                    {
                        valve.EndInput(valveInput[next.Channel]);
                    }

                    break;
            }
        }
    }

    /// <summary>Snapshots every operator and the keyed state, acknowledges, then sends the barrier on.</summary>
    private void Checkpoint(CheckpointBarrier barrier, TimeSpan alignment = default)
    {
        _snapshotter?.Snapshot(barrier, _chain, alignment);
        foreach (var output in Outputs)
            output.AcceptBarrier(barrier);
    }

    private void WaitForWork(InputGate gate, CancellationToken cancellation)
    {
        var waiting = System.Diagnostics.Stopwatch.GetTimestamp();
        var data = gate.Reader.WaitToReadAsync(cancellation).AsTask();
        var mail = _mailbox.Reader.WaitToReadAsync(cancellation).AsTask();
        Task.WaitAny([data, mail], cancellation);
        Telemetry.EngineTelemetry.IdleTime.Add(System.Diagnostics.Stopwatch.GetElapsedTime(waiting).TotalMilliseconds, _telemetryTags);
    }

    private void DrainMailbox()
    {
        while (_mailbox.Reader.TryRead(out var action))
            action();
    }
}
