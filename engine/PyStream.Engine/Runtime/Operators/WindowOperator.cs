using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Settings;
using PyStream.Engine.State;
using PyStream.Engine.Time;
using PyStream.Engine.UserCode;
using PyStream.Engine.Windowing;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// Flink's WindowOperator: assigns records to windows, merges sessions, runs the trigger,
/// drops or side-outputs late records and cleans windows up after their allowed lateness,
/// all here; only the window contents and the window function live in Python, which this
/// operator drives with one list of <see cref="WindowActions"/> per batch or per timer firing.
/// Port 0 carries results (timestamped with the window's max timestamp), port 1 late records,
/// ports 2 and up what the window function yields to side outputs.
/// </summary>
public sealed class WindowOperator : StreamOperator, ITimerTarget, ISegmentHost, ICallSized
{
    private readonly int _transformationId;
    private readonly WindowAssigner _assigner;
    private readonly WindowTrigger _trigger;
    private readonly long _allowedLateness;
    private readonly TimerQueue _eventTimers = new();
    private readonly Dictionary<byte[], long> _triggerState = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], List<Window>> _sessions = new(ByteArrayComparer.Instance);
    private readonly WindowKeyIds _keys = new();

    // Windows with a cleanup timer, and how many each key has. Keys whose windows are all
    // cleaned up are idle; once idle keys outnumber a bound they give their ids back, so an
    // endless stream of new keys does not grow memory, while a steady set of keys keeps its ids.
    private readonly HashSet<(int KeyId, long Start, long End)> _live = [];
    private int[] _liveWindows = [];
    private readonly HashSet<int> _idleKeys = [];
    private const int IdleKeysKept = 1024;

    // The window each key was last armed for: most records of a key fall into the same
    // window as its previous one, so this array answers before the set is asked.
    private Window[] _lastArmed = [];
    private readonly bool _armedShortcut;
    private readonly bool _pythonTrigger;
    private readonly bool _dynamicGap;
    private readonly bool _eventTime;
    private readonly bool _merging;
    private readonly WindowContentsKind _contents;
    private readonly WindowActions _actions = new();
    private readonly TriggerContext _triggerContext;

    // A built-in evictor's view of the windows (null without one, or when a Python trigger
    // decides the firing and so the Python side runs the evictor too).
    private readonly WindowElementTimes? _elementTimes;
    private IWindowContents? _python;

    /// <summary>How many fired timers one call to the window's contents gets (a window function may be slow).</summary>
    private BatchSizer _fireSizer = BatchSizer.ForPythonCalls(PythonCalls.DefaultMaxRecords);

    /// <summary>How many records one call to Python window contents gets (a reduce or aggregate may be slow); null for native contents.</summary>
    private BatchSizer? _callSizer;

    public WindowOperator(string name, int transformationId, WindowDefinition window, int inputCount)
        : base(name, inputCount, portCount: 2 + window.SideOutputs)
    {
        _transformationId = transformationId;
        _assigner = window.Assigner;
        _trigger = window.Trigger;
        _allowedLateness = window.AllowedLatenessMs;
        if (_allowedLateness < 0)
            throw new PyStreamException($"'{name}': allowed lateness cannot be negative");
        _triggerContext = new TriggerContext(this);
        _armedShortcut = _trigger is EventTimeTrigger && !_assigner.IsMerging;
        _pythonTrigger = window.PythonTrigger;
        _dynamicGap = window.DynamicGap;
        _eventTime = _assigner.IsEventTime;
        _merging = _assigner.IsMerging;
        _contents = window.Contents;
        if (window.Evictor is { } evictor)
            _elementTimes = new WindowElementTimes(evictor);
    }

    public IKeyedStateStore State => Context.State;

    public StateTtls StateTtls => Context.StateTtls;

    /// <summary>How many key ids the operator holds (live keys plus ids waiting for reuse).</summary>
    internal int KeyIdsAllocated => _keys.Allocated;

    public long CurrentProcessingTime => Context.Timers.Now;

    public override void Open(TaskContext context)
    {
        base.Open(context);
        _python = _contents == WindowContentsKind.NativeCount
            ? new NativeCountContents()
            : (context.Python ?? throw new PyStreamException($"'{Name}' needs the Python runtime")).CreateWindow(_transformationId, context.Info, this);
        _python.Open();
        _fireSizer = BatchSizer.ForPythonCalls(context.PythonMaxRecordsPerCall);
        _callSizer = _contents == WindowContentsKind.NativeCount ? null : BatchSizer.ForPythonCalls(context.PythonMaxRecordsPerCall);
    }

    public int RecordsPerCall => _callSizer?.Limit ?? int.MaxValue;

    /// <summary>Records go to Python window contents in call-sized pieces (see <see cref="BatchSizer"/>).</summary>
    public override void ProcessBatch(int input, Batch batch)
    {
        if (_callSizer is null)
            ProcessPiece(batch);
        else
            BatchPieces.InSizedPieces(batch, _callSizer, Context.Environment.Python, Context.Cancellation, ProcessPiece);
    }

    private void ProcessPiece(Batch batch)
    {
        var keys = batch.Keys ?? throw new PyStreamException($"'{Name}' needs keyed records");
        var stamps = batch.Timestamps;
        var now = Context.Timers.Now;
        var watermark = CurrentWatermark;
        for (var i = 0; i < batch.Count; i++)
        {
            var timestamp = _eventTime ? stamps?[i] ?? long.MinValue : now;
            if (timestamp == long.MinValue)
            {
                throw new PyStreamException(
                    "Record has Long.MIN_VALUE timestamp (= no timestamp marker). Is the time characteristic set to 'ProcessingTime', "
                    + "or did you forget to call 'DataStream.assign_timestamps_and_watermarks(...)'?");
            }

            var keyId = KeyId(keys.KeyAt(i));
            var key = _keys.KeyOf(keyId);
            var added = false;
            if (_dynamicGap)
            {
                var gap = batch.SessionGaps?[i] ?? throw new PyStreamException($"'{Name}': records came without their session gaps");
                if (gap <= 0)
                    throw new PyStreamException($"Dynamic session time gap must be greater than 0, got {gap}.");
                added = AddToWindow(key, keyId, new Window(timestamp, timestamp + gap), timestamp, i, watermark, stamps);
            }
            else if (_assigner.TryAssignSingle(timestamp, out var single))
            {
                added = AddToWindow(key, keyId, single, timestamp, i, watermark, stamps);
            }
            else
            {
                foreach (var assigned in _assigner.Assign(timestamp))
                    added |= AddToWindow(key, keyId, assigned, timestamp, i, watermark, stamps);
            }

            if (!added)
                _actions.Add(WindowActionKind.Late, i, default, keyId);
        }

        var outputs = _python!.Apply(batch, _actions.Values, null, CurrentWatermark);
        _actions.Clear();
        EmitPorts(outputs);
    }

    /// <summary>The operator's id for a key; a new key starts with no armed window and no live ones.</summary>
    private int KeyId(ReadOnlySpan<byte> key)
    {
        var id = _keys.IdOf(key, out var added);
        if (!added)
            return id;
        if (id >= _lastArmed.Length)
        {
            Array.Resize(ref _lastArmed, Math.Max(16, _lastArmed.Length * 2));
            Array.Resize(ref _liveWindows, _lastArmed.Length);
        }

        _lastArmed[id] = new Window(long.MinValue, long.MinValue);
        _liveWindows[id] = 0;
        return id;
    }

    /// <summary>
    /// Whether a window's event-time trigger and cleanup timers are set (then a later record of
    /// it skips the trigger, which would only set the same timers again: the hot path).
    /// </summary>
    private bool IsArmed(int keyId, Window window) =>
        _lastArmed[keyId] == window || _live.Contains((keyId, window.Start, window.End));

    /// <summary>Adds record <paramref name="index"/> to a window unless the window is late; true when added.</summary>
    private bool AddToWindow(byte[] key, int keyId, Window assigned, long timestamp, int index, long watermark, long[]? stamps)
    {
        var window = _merging ? MergeSession(key, keyId, assigned, index) : assigned;
        if (IsLate(window))
        {
            if (_merging)
                RemoveSession(key, window);
            return false;
        }

        _actions.Add(WindowActionKind.Add, index, window, keyId);
        _elementTimes?.Add(keyId, window, stamps?[index] ?? long.MinValue);
        if (_armedShortcut && window.MaxTimestamp > watermark && IsArmed(keyId, window))
            return true;
        if (_pythonTrigger)
            _actions.Add(WindowActionKind.TriggerElement, index, window, keyId, timestamp);
        else
            Act(_trigger.OnElement(timestamp, window, _triggerContext.For(key, window)), index, window, keyId);
        RegisterCleanup(key, keyId, window);
        if (_armedShortcut)
            _lastArmed[keyId] = window;

        return true;
    }

    /// <summary>
    /// Timers fire in slices sized by the time their window functions take, so a watermark that
    /// fires many windows of a slow function sends their output on (and lets a cancel in) after
    /// each short call, not after all of them.
    /// </summary>
    public void OnTimers(int operation, TimeDomain domain, IReadOnlyList<FiredTimer> timers)
    {
        for (var start = 0; start < timers.Count;)
        {
            if (start > 0)
                Context.Cancellation.ThrowIfCancellationRequested();
            var count = Math.Min(_fireSizer.Limit, timers.Count - start);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            FireSlice(domain, timers, start, count);
            _fireSizer.Observe(count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            start += count;
        }

        // After the contents saw the actions that still name these ids.
        if (_idleKeys.Count > Math.Max(IdleKeysKept, _keys.Count / 2))
        {
            foreach (var keyId in _idleKeys)
                ReleaseKey(keyId);
            _idleKeys.Clear();
        }
    }

    private void FireSlice(TimeDomain domain, IReadOnlyList<FiredTimer> timers, int start, int count)
    {
        var keys = new List<byte[]>();
        for (var i = start; i < start + count; i++)
        {
            var timer = timers[i];
            var window = Window.Of(timer.Key);
            if (!_keys.TryGet(timer.Key.AsSpan(0, timer.Key.Length - 16), out var keyId))
                continue; // a timer a trigger left behind for a key whose windows are all gone
            var key = _keys.KeyOf(keyId);
            if (_merging && !(_sessions.TryGetValue(key, out var open) && open.Contains(window)))
                continue; // merged away since the timer was set
            var reference = keys.Count;
            keys.Add(key);
            var context = _triggerContext.For(key, window);
            if (_pythonTrigger)
                _actions.Add(domain == TimeDomain.EventTime ? WindowActionKind.TriggerEventTime : WindowActionKind.TriggerProcessingTime, reference, window, keyId, timer.Timestamp);
            else
                Act(domain == TimeDomain.EventTime ? _trigger.OnEventTime(timer.Timestamp, window, context) : _trigger.OnProcessingTime(timer.Timestamp, window, context), reference, window, keyId);
            if ((domain == TimeDomain.EventTime) == _assigner.IsEventTime && timer.Timestamp == CleanupTime(window))
            {
                _actions.Add(WindowActionKind.Clear, reference, window, keyId);
                _elementTimes?.Remove(keyId, window);
                _trigger.Clear(window, context);
                if (_triggerState.Count > 0)
                    _triggerState.Remove(window.Namespaced(key));
                if (_lastArmed[keyId] == window)
                    _lastArmed[keyId] = new Window(long.MinValue, long.MinValue);
                if (_assigner.IsMerging)
                    RemoveSession(key, window);
                if (_live.Remove((keyId, window.Start, window.End)) && --_liveWindows[keyId] == 0)
                    _idleKeys.Add(keyId);
            }
        }

        if (_actions.Count > 0)
        {
            var outputs = _python!.Apply(null, _actions.Values, keys, CurrentWatermark);
            _actions.Clear();
            EmitPorts(outputs);
        }
    }

    protected override void OnWatermark(long watermark)
    {
        _eventTimers.FireUpTo(watermark, TimeDomain.EventTime);
        base.OnWatermark(watermark);
    }

    public override void Close()
    {
        if (_python is null)
            return;
        try
        {
            _python.Close();
        }
        finally
        {
            _python.Dispose();
            _python = null;
        }
    }

    /// <summary>
    /// Timers, trigger state and open sessions (window contents are keyed state, flushed to the
    /// store first; natively counted ones are written here).
    /// </summary>
    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        _python!.PrepareSnapshot();
        var timers = _eventTimers.PendingOf(this).Select(t => new TimerSnapshot(TimeDomain.EventTime, t.Key, t.Timestamp))
            .Concat(Context.Timers.PendingOf(this).Select(t => new TimerSnapshot(TimeDomain.ProcessingTime, t.Key, t.Timestamp)))
            .ToList();
        states[StateKey] = StateBlobs.Serialize(writer =>
        {
            TimerSnapshots.Write(writer, timers);
            writer.Write(_triggerState.Count);
            foreach (var (namespaced, value) in _triggerState)
            {
                writer.Write(namespaced.Length);
                writer.Write(namespaced);
                writer.Write(value);
            }

            writer.Write(_sessions.Count);
            foreach (var (key, windows) in _sessions)
            {
                writer.Write(key.Length);
                writer.Write(key);
                writer.Write(windows.Count);
                foreach (var window in windows)
                {
                    writer.Write(window.Start);
                    writer.Write(window.End);
                }
            }

            var counts = (_python as NativeCountContents)?.Counts(_keys.KeyOf).ToList() ?? [];
            writer.Write(counts.Count);
            foreach (var (key, window, count) in counts)
            {
                writer.Write(key.Length);
                writer.Write(key);
                writer.Write(window.Start);
                writer.Write(window.End);
                writer.Write(count);
            }

            WriteElementTimes(writer);
        });
    }

    /// <summary>Takes the entries of this subtask's key groups from every old subtask.</summary>
    public override void RestoreState(TaskRestore restore)
    {
        foreach (var blob in restore.OperatorState(StateKey))
        {
            using var reader = StateBlobs.Reader(blob.Data);
            foreach (var timer in TimerSnapshots.Read(reader))
            {
                var key = timer.Key.AsSpan(0, timer.Key.Length - 16);
                if (!restore.Owns(key))
                    continue;
                var window = Window.Of(timer.Key);
                var keyId = KeyId(key);
                var cleanup = (timer.Domain == TimeDomain.EventTime) == _assigner.IsEventTime && timer.Timestamp == CleanupTime(window);
                if (cleanup)
                    RegisterCleanup(_keys.KeyOf(keyId), keyId, window);
                else if (timer.Domain == TimeDomain.EventTime)
                    _eventTimers.Register(this, 0, timer.Key, timer.Timestamp);
                else
                    Context.Timers.Register(this, 0, timer.Key, timer.Timestamp);
            }

            for (var i = reader.ReadInt32(); i > 0; i--)
            {
                var namespaced = reader.ReadBytes(reader.ReadInt32());
                var value = reader.ReadInt64();
                if (restore.Owns(namespaced.AsSpan(0, namespaced.Length - 16)))
                    _triggerState[namespaced] = value;
            }

            for (var i = reader.ReadInt32(); i > 0; i--)
            {
                var key = reader.ReadBytes(reader.ReadInt32());
                var windows = new List<Window>();
                for (var w = reader.ReadInt32(); w > 0; w--)
                    windows.Add(new Window(reader.ReadInt64(), reader.ReadInt64()));
                if (restore.Owns(key))
                    _sessions[key] = windows;
            }

            for (var i = reader.ReadInt32(); i > 0; i--)
            {
                var key = reader.ReadBytes(reader.ReadInt32());
                var window = new Window(reader.ReadInt64(), reader.ReadInt64());
                var count = reader.ReadInt64();
                if (restore.Owns(key))
                    ((NativeCountContents)_python!).Restore(KeyId(key), window, count);
            }

            ReadElementTimes(reader, restore);
        }
    }

    /// <summary>A built-in evictor's element timestamps per (key, window); absent from snapshots taken without one.</summary>
    private void WriteElementTimes(BinaryWriter writer)
    {
        var entries = _elementTimes?.Entries().ToList() ?? [];
        writer.Write(entries.Count);
        foreach (var (keyId, window, times) in entries)
        {
            var key = _keys.KeyOf(keyId);
            writer.Write(key.Length);
            writer.Write(key);
            writer.Write(window.Start);
            writer.Write(window.End);
            writer.Write(times.Count);
            foreach (var time in times)
                writer.Write(time);
        }
    }

    private void ReadElementTimes(BinaryReader reader, TaskRestore restore)
    {
        if (reader.BaseStream.Position == reader.BaseStream.Length)
            return; // written before evictors ran in the engine
        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            var key = reader.ReadBytes(reader.ReadInt32());
            var window = new Window(reader.ReadInt64(), reader.ReadInt64());
            var times = new List<long>();
            for (var n = reader.ReadInt32(); n > 0; n--)
                times.Add(reader.ReadInt64());
            if (restore.Owns(key) && _elementTimes is not null)
                _elementTimes.Restore(KeyId(key), window, times);
        }
    }

    private void Act(TriggerResult result, int reference, Window window, int keyId)
    {
        if (result is TriggerResult.Fire or TriggerResult.FireAndPurge)
        {
            _elementTimes?.Evict(afterFunction: false, _actions, reference, window, keyId);
            _actions.Add(WindowActionKind.Fire, reference, window, keyId);
            _elementTimes?.Evict(afterFunction: true, _actions, reference, window, keyId);
        }

        if (result is TriggerResult.Purge or TriggerResult.FireAndPurge)
        {
            _actions.Add(WindowActionKind.Purge, reference, window, keyId);
            _elementTimes?.Remove(keyId, window);
        }
    }

    /// <summary>Adds a session window to the key's open sessions, merging every session it overlaps or touches.</summary>
    private Window MergeSession(byte[] key, int keyId, Window window, int reference)
    {
        if (!_sessions.TryGetValue(key, out var open))
            _sessions[key] = open = [];
        var overlapping = open.Where(w => w.Intersects(window)).ToList();
        var merged = overlapping.Aggregate(window, (a, b) => a.Cover(b));
        open.RemoveAll(overlapping.Contains);
        open.Add(merged);
        var sources = overlapping.Where(w => w != merged).ToList();
        if (sources.Count == 0)
            return merged;

        _actions.Add(WindowActionKind.MergeInto, reference, merged, keyId);
        long? combined = _triggerState.TryGetValue(merged.Namespaced(key), out var own) ? own : null;
        foreach (var source in sources)
        {
            _actions.Add(WindowActionKind.MergeFrom, reference, source, keyId);
            _elementTimes?.Merge(keyId, source, merged);
            var context = _triggerContext.For(key, source);
            if (context.State is { } state)
                combined = (combined ?? 0) + state;
            _trigger.Clear(source, context);
            DeleteCleanup(key, keyId, source);
        }

        var target = _triggerContext.For(key, merged);
        target.State = combined;
        _trigger.OnMerge(merged, target);
        return merged;
    }

    /// <summary>Forgets an idle key (no windows left); its id goes to the next new key.</summary>
    private void ReleaseKey(int keyId)
    {
        _keys.Release(keyId);
        _lastArmed[keyId] = new Window(long.MinValue, long.MinValue);
    }

    /// <summary>Drops a session window; a key without sessions leaves no entry behind.</summary>
    private void RemoveSession(byte[] key, Window window)
    {
        if (_sessions.TryGetValue(key, out var open) && open.Remove(window) && open.Count == 0)
            _sessions.Remove(key);
    }

    private long CleanupTime(Window window) =>
        !_eventTime ? window.MaxTimestamp
        : window.MaxTimestamp > long.MaxValue - _allowedLateness ? long.MaxValue
        : window.MaxTimestamp + _allowedLateness;

    private bool IsLate(Window window) => _eventTime && CleanupTime(window) <= CurrentWatermark;

    private void RegisterCleanup(byte[] key, int keyId, Window window)
    {
        var time = CleanupTime(window);
        if (time == long.MaxValue)
            return;
        if (_live.Add((keyId, window.Start, window.End)) && _liveWindows[keyId]++ == 0)
            _idleKeys.Remove(keyId);
        if (_assigner.IsEventTime)
            _eventTimers.Register(this, 0, window.Namespaced(key), time);
        else
            Context.Timers.Register(this, 0, window.Namespaced(key), time);
    }

    private void DeleteCleanup(byte[] key, int keyId, Window window)
    {
        if (_live.Remove((keyId, window.Start, window.End)))
            _liveWindows[keyId]--;
        if (_assigner.IsEventTime)
            _eventTimers.Delete(this, 0, window.Namespaced(key), CleanupTime(window));
        else
            Context.Timers.Delete(this, 0, window.Namespaced(key), CleanupTime(window));
    }

    private void EmitPorts(Batch?[] outputs)
    {
        for (var port = 0; port < outputs.Length; port++)
        {
            if (outputs[port] is { } batch)
                Emit(port, batch);
        }
    }

    // A Python trigger's timers: the key is the window-namespaced key (key bytes, start, end).
    public void RegisterProcessingTimeTimer(int operation, byte[] key, long timestamp) => Context.Timers.Register(this, 0, key, timestamp);

    public void DeleteProcessingTimeTimer(int operation, byte[] key, long timestamp) => Context.Timers.Delete(this, 0, key, timestamp);

    public void RegisterEventTimeTimer(int operation, byte[] key, long timestamp) => _eventTimers.Register(this, 0, key, timestamp);

    public void DeleteEventTimeTimer(int operation, byte[] key, long timestamp) => _eventTimers.Delete(this, 0, key, timestamp);

    public Telemetry.UserMetrics Metrics => Context.UserMetrics;

    /// <summary>The trigger's view of one (key, window); reused for every call.</summary>
    private sealed class TriggerContext(WindowOperator op) : ITriggerContext
    {
        private byte[] _key = [];
        private Window _window;
        private byte[]? _namespaced;

        public TriggerContext For(byte[] key, Window window)
        {
            (_key, _window, _namespaced) = (key, window, null);
            return this;
        }

        /// <summary>The (key, window) as one byte key, made only when a trigger uses state or timers.</summary>
        private byte[] Namespaced => _namespaced ??= _window.Namespaced(_key);

        public long CurrentWatermark => op.CurrentWatermark;

        public long CurrentProcessingTime => op.Context.Timers.Now;

        public long? State
        {
            get => op._triggerState.Count > 0 && op._triggerState.TryGetValue(Namespaced, out var value) ? value : null;
            set
            {
                if (value is { } v)
                    op._triggerState[Namespaced] = v;
                else if (op._triggerState.Count > 0)
                    op._triggerState.Remove(Namespaced);
            }
        }

        public void RegisterEventTimeTimer(long time) => op._eventTimers.Register(op, 0, Namespaced, time);

        public void DeleteEventTimeTimer(long time) => op._eventTimers.Delete(op, 0, Namespaced, time);

        public void RegisterProcessingTimeTimer(long time) => op.Context.Timers.Register(op, 0, Namespaced, time);

        public void DeleteProcessingTimeTimer(long time) => op.Context.Timers.Delete(op, 0, Namespaced, time);
    }
}
