using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Settings;
using PyStream.Engine.State;
using PyStream.Engine.Time;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// Chained Python operations fused into one call per batch. Each exit is one output port
/// with exactly one consumer. Timers and keyed state stay in C#; Python reaches them
/// through this operator as its <see cref="ISegmentHost"/>. A batch larger than a call
/// should take (<see cref="BatchSizer"/>) is handed over in pieces, each one's output sent
/// on before the next, and a cancelled job stops between pieces. A call whose output is more
/// than one call hands on (a large or endless generator) pauses: its output so far is sent on,
/// under backpressure, before it resumes, and a cancelled job stops between the two.
/// </summary>
public sealed class PythonSegmentOperator(string name, PythonSegmentSpec spec, IReadOnlyList<string>? operationKeys = null)
    : StreamOperator(name, spec.EntryCount, spec.Exits.Count), ISegmentHost, ITimerTarget, ICallSized
{
    /// <summary>The state key of each operation: its timers are filed under it in snapshots.</summary>
    private readonly IReadOnlyList<string> _operationKeys = operationKeys ?? spec.Operations.Select(o => o.TransformationId.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private readonly TimerQueue _eventTimers = new();
    private IPythonSegment? _segment;
    private BatchSizer _sizer = BatchSizer.ForPythonCalls(PythonCalls.DefaultMaxRecords);
    private CancellationTokenRegistration _interruptOnCancel;

    public PythonSegmentSpec Spec { get; } = spec;

    public IKeyedStateStore State => Context.State;

    public StateTtls StateTtls => Context.StateTtls;

    public long CurrentProcessingTime => Context.Timers.Now;

    public Telemetry.UserMetrics Metrics => Context.UserMetrics;

    /// <summary>How many records the next Python call should get (a source chained before it reads no more per batch).</summary>
    public int RecordsPerCall => _sizer.Limit;

    public override void Open(TaskContext context)
    {
        base.Open(context);
        var python = context.Python ?? throw new PyStreamException($"'{Name}' needs the Python runtime");
        _segment = python.CreateSegment(Spec, context.Info, this);
        _segment.Open();
        _sizer = BatchSizer.ForPythonCalls(context.PythonMaxRecordsPerCall);
        var segment = _segment;
        _interruptOnCancel = context.Cancellation.Register(segment.Interrupt);
    }

    public override void ProcessBatch(int input, Batch batch) =>
        BatchPieces.InSizedPieces(batch, _sizer, Context.Environment.Python, Context.Cancellation, piece => Call(input, piece));

    private void Call(int input, Batch batch)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outputs = _segment!.Process(input, batch, CurrentWatermark);
        Telemetry.EngineTelemetry.PythonTime.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, Context.TelemetryTags);
        EmitExits(outputs, batch.Split);
    }

    public void OnTimers(int operation, TimeDomain domain, IReadOnlyList<FiredTimer> timers) =>
        EmitExits(_segment!.OnTimers(operation, domain, timers, CurrentWatermark));

    public void RegisterProcessingTimeTimer(int operation, byte[] key, long timestamp) =>
        Context.Timers.Register(this, operation, key, timestamp);

    public void DeleteProcessingTimeTimer(int operation, byte[] key, long timestamp) =>
        Context.Timers.Delete(this, operation, key, timestamp);

    public void RegisterEventTimeTimer(int operation, byte[] key, long timestamp) =>
        _eventTimers.Register(this, operation, key, timestamp);

    public void DeleteEventTimeTimer(int operation, byte[] key, long timestamp) =>
        _eventTimers.Delete(this, operation, key, timestamp);

    /// <summary>Event-time timers up to the new watermark fire (their output first), then the watermark moves on.</summary>
    protected override void OnWatermark(long watermark)
    {
        _eventTimers.FireUpTo(watermark, TimeDomain.EventTime);
        base.OnWatermark(watermark);
    }

    /// <summary>Python's cached state goes to the store (the task snapshots it); timers are written per operation.</summary>
    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        _segment!.PrepareSnapshot();
        for (var operation = 0; operation < _operationKeys.Count; operation++)
        {
            var timers = _eventTimers.PendingOf(this).Where(t => t.Operation == operation).Select(t => new TimerSnapshot(TimeDomain.EventTime, t.Key, t.Timestamp))
                .Concat(Context.Timers.PendingOf(this).Where(t => t.Operation == operation).Select(t => new TimerSnapshot(TimeDomain.ProcessingTime, t.Key, t.Timestamp)))
                .ToList();
            if (timers.Count > 0)
                states[_operationKeys[operation]] = StateBlobs.Serialize(w => TimerSnapshots.Write(w, timers));
        }
    }

    /// <summary>Timers of this subtask's key groups (timer keys are the keys' canonical bytes).</summary>
    public override void RestoreState(TaskRestore restore)
    {
        for (var operation = 0; operation < _operationKeys.Count; operation++)
        {
            foreach (var blob in restore.OperatorState(_operationKeys[operation]))
            {
                foreach (var timer in StateBlobs.Deserialize(blob.Data, TimerSnapshots.Read))
                {
                    if (!restore.Owns(timer.Key))
                        continue;
                    if (timer.Domain == TimeDomain.EventTime)
                        _eventTimers.Register(this, operation, timer.Key, timer.Timestamp);
                    else
                        Context.Timers.Register(this, operation, timer.Key, timer.Timestamp);
                }
            }
        }
    }

    protected override void Finish()
    {
        EmitExits(_segment!.EndInput());
        base.Finish();
    }

    public override void Close()
    {
        _interruptOnCancel.Dispose();
        if (_segment is null)
            return;
        try
        {
            _segment.Close();
        }
        finally
        {
            _segment.Dispose();
            _segment = null;
        }
    }

    /// <summary>Sends a call's outputs on; while the call is paused, resumes it and sends what follows.</summary>
    private void EmitExits(Batch?[] outputs, int split = -1)
    {
        while (true)
        {
            for (var exit = 0; exit < outputs.Length; exit++)
            {
                if (outputs[exit] is not { } batch)
                    continue;
                if (split >= 0)
                    batch.Split = split;
                Emit(exit, batch);
            }

            if (!_segment!.Paused)
                return;
            Context.Cancellation.ThrowIfCancellationRequested();
            outputs = _segment.Resume();
        }
    }
}
