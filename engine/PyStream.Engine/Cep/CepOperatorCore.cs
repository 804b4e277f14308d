using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Engine.Time;

namespace PyStream.Engine.Cep;

/// <summary>
/// The keyed part of a CEP operator (Flink's <c>CepOperator</c>) that the Python CEP API and
/// <c>MATCH_RECOGNIZE</c> both run on: the front end's operator decodes its batches into
/// (key, event, timestamp) and calls <see cref="ProcessElements"/>, forwards watermarks to
/// <see cref="AdvanceWatermark"/> and snapshots through <see cref="Flush"/>; matches and
/// timed-out partial matches come back through <see cref="OnMatch"/> and
/// <see cref="OnTimedOut"/>.
/// <para>
/// In event time an event waits in its key's buffer until the watermark passes it; then the
/// key's events are matched in timestamp order (ties in arrival order, or as <see cref="OrderTies"/>
/// puts them), time advancing to each timestamp and finally to the watermark, which ends windows.
/// In processing time events are matched as they arrive, unless ties are ordered: then, as in
/// Flink with an <c>EventComparator</c>, they wait for a timer at their arrival time. A batch matched as it arrives goes
/// key by key (see <see cref="ProcessByKey"/>), with the same outputs in the same order. Simple conditions are evaluated
/// per arriving batch and their bits wait with the event. One timer per key (in event time a
/// queue of due keys the watermark drains, in processing time the task's processing-time
/// service) stands for the key's earliest buffered event or window end.
/// </para>
/// <para>
/// State: one keyed value per key under <c>{stateKey}/cep</c>, holding the due time, the
/// buffered events and the NFA state (partial matches and shared buffer). Keys in use are held
/// in memory and written to the store when a snapshot is taken (or when too many are held),
/// so an event costs no store access; after a restore the timers are rebuilt from the stored
/// due times.
/// </para>
/// </summary>
public abstract partial class CepOperatorCore<TEvent> : ITimerTarget
{
    /// <summary>Keys held in memory (by default) before all are written to the store and dropped.</summary>
    public const int DefaultMaxCachedKeys = 1 << 16;

    private readonly Nfa<TEvent> _nfa;
    private readonly ICepConditions<TEvent> _conditions;
    private readonly ICepEventSerializer<TEvent> _serializer;
    private readonly bool _handleTimeouts;
    private readonly bool _hasSimple;
    private readonly int _maxCachedKeys;
    private readonly Dictionary<byte[], KeyState> _keys = new(ByteArrayComparer.Instance);
    /// <summary>Event-time timers: keys by due time, registration order among equal times; a key's superseded entries are skipped when they come up.</summary>
    private readonly EventTimeTimers _eventTimers = new();
    private readonly List<PatternMatch<TEvent>> _matches = [];
    private readonly PendingEvents<TEvent>.Chunks _chunks = new();
    private readonly List<(PatternMatch<TEvent> Match, long Timestamp)> _timedOut = [];
    private IKeyedStateStore _store = null!;
    private ProcessingTimeService _processingTime = null!;
    private string _stateId = "";
    private bool _indexed;
    private readonly ScratchArray<ulong> _bits = new();
    private readonly ScratchArray<byte[]> _batchKeys = new();
    private readonly ScratchArray<KeyState> _batchStates = new();
    private readonly ScratchArray<TEvent> _tieEvents = new();
    private readonly ScratchArray<int> _tieOrder = new();
    private readonly ReachableConditions _reach;
    /// <summary>Events whose keys <see cref="LoadKeys"/> loaded into the batch scratch.</summary>
    private int _loaded;
    private long _batchNumber;
    // A batch matched key by key: per event the next event of its key in the batch (-1 after the last), the first event of
    // each key, and what matching reported (matches, timeouts, timers) while it went, with the part each event reported.
    private readonly ScratchArray<int> _nextOfKey = new();
    private readonly List<int> _firstOfKeys = [];
    private readonly List<Report> _reports = [];
    private readonly ScratchArray<(int Start, int Count)> _reportsOf = new();
    private long _keyPass;
    private bool _deferring;

    protected CepOperatorCore(CompiledPattern pattern, ICepConditions<TEvent> conditions, ICepEventSerializer<TEvent> serializer, CepTimeMode mode,
        bool handleTimeouts, int maxCachedKeys = DefaultMaxCachedKeys)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        _nfa = new Nfa<TEvent>(pattern, conditions, serializer as ICepEventRetention<TEvent>);
        _reach = new ReachableConditions(pattern);
        _conditions = conditions;
        _serializer = serializer;
        _handleTimeouts = handleTimeouts;
        _maxCachedKeys = maxCachedKeys;
        Mode = mode;
        var simple = 0UL;
        for (var c = 0; c < conditions.Count; c++)
        {
            if (!conditions.IsIterative(c))
                simple |= 1UL << c;
        }

        _hasSimple = (simple & pattern.Conditions) != 0;
    }

    public CepTimeMode Mode { get; }

    public CompiledPattern Pattern => _nfa.Pattern;

    /// <summary>The watermark the operator has reached (event time).</summary>
    public long CurrentWatermark { get; private set; } = long.MinValue;

    public long LateEventsDropped { get; private set; }

    /// <summary>Keys whose state is held in memory now.</summary>
    public int CachedKeys => _keys.Count;

    /// <summary>Call from the operator's <c>Open</c>: the state lives under <c>{stateKey}/cep</c>.</summary>
    public void Open(TaskContext context, string stateKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        Open(context.State, context.Timers, stateKey);
    }

    /// <summary>Opens on a given store and processing-time service (what <see cref="Open(TaskContext, string)"/> takes from the task).</summary>
    public void Open(IKeyedStateStore store, ProcessingTimeService processingTime, string stateKey)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(processingTime);
        _store = store;
        _processingTime = processingTime;
        _stateId = stateKey + "/cep";
    }

    /// <summary>A match, at the timestamp of the event (or the time) that completed it.</summary>
    protected abstract void OnMatch(byte[] key, PatternMatch<TEvent> match, long timestamp);

    /// <summary>A partial match whose window ended at <paramref name="timestamp"/> (only when made with timeouts handled).</summary>
    protected virtual void OnTimedOut(byte[] key, PatternMatch<TEvent> partial, long timestamp)
    {
    }

    /// <summary>
    /// Before changed keys are written to the store (a snapshot, or too many keys held): a front end
    /// whose events live elsewhere (Python) gets them ready for the serializer in one go.
    /// </summary>
    protected virtual void OnFlushing()
    {
    }

    /// <summary>The events the keys held in memory refer to (buffered or in the shared buffer); only changed keys' when <paramref name="changedOnly"/>.</summary>
    protected IEnumerable<TEvent> CachedEvents(bool changedOnly)
    {
        foreach (var state in _keys.Values)
        {
            if (changedOnly && !state.Dirty)
                continue;
            for (var i = 0; i < state.Pending.Count; i++)
                yield return state.Pending[i].Event;
            foreach (var value in state.Events)
                yield return value;
        }
    }

    /// <summary>Whether events of equal timestamp are matched in the order <see cref="OrderTies"/> gives (Flink's <c>EventComparator</c>).</summary>
    protected virtual bool OrdersTies => false;

    /// <summary>
    /// Events of one timestamp, in arrival order: fills <paramref name="order"/> with their indexes in the order they are
    /// to be matched (a stable sort: ties keep arrival order). Called only when <see cref="OrdersTies"/>.
    /// </summary>
    protected virtual void OrderTies(ReadOnlySpan<TEvent> events, Span<int> order) =>
        throw new NotSupportedException("this CEP operator does not order events of equal timestamp");

    /// <summary>An event at or behind the watermark (event time): dropped unless a subclass side-outputs it.</summary>
    protected virtual void OnLateEvent(byte[] key, TEvent value, long timestamp) => LateEventsDropped++;

    /// <summary>
    /// Takes a batch of events with their keys (canonical key bytes, as keyed state stores
    /// them) and event timestamps (ignored in processing time).
    /// </summary>
    public void ProcessElements(ReadOnlySpan<byte[]> keys, ReadOnlySpan<TEvent> events, ReadOnlySpan<long> timestamps)
    {
        var bits = _bits.Take(events.Length);
        if (_hasSimple)
            _conditions.TestSimple(events, bits);
        else
            bits.Clear();
        ProcessElements(keys, events, timestamps, bits);
    }

    /// <summary>
    /// As <see cref="ProcessElements(ReadOnlySpan{byte[]}, ReadOnlySpan{TEvent}, ReadOnlySpan{long})"/>, with the simple
    /// conditions already tested by the caller (bit c of an event's entry set when condition c holds), as a front end
    /// that evaluates them over its own columnar batch does.
    /// </summary>
    public void ProcessElements(ReadOnlySpan<byte[]> keys, ReadOnlySpan<TEvent> events, ReadOnlySpan<long> timestamps, ReadOnlySpan<ulong> bits)
    {
        if (keys.Length != events.Length)
            throw new ArgumentException("keys, events, timestamps and condition bits must have the same length");
        IndexRestoredKeys();
        _loaded = keys.Length;
        var batchKeys = _batchKeys.Take(_loaded);
        var states = _batchStates.Take(_loaded);
        for (var i = 0; i < keys.Length; i++)
            states[i] = Load(batchKeys[i] = keys[i]);
        ProcessLoaded(events, timestamps, bits);
    }

    /// <summary>
    /// As <see cref="ProcessElements(ReadOnlySpan{byte[]}, ReadOnlySpan{TEvent}, ReadOnlySpan{long}, ReadOnlySpan{ulong})"/>,
    /// with the keys as one buffer and the end offset of each (a <see cref="Records.KeyBlob"/>'s layout): a key is looked up
    /// by its bytes, and an array is made only for a key not held yet, so a front end whose keys arrive as bytes pays one
    /// lookup per event and no allocation.
    /// </summary>
    public void ProcessElements(ReadOnlySpan<byte> keyBytes, ReadOnlySpan<long> keyEnds, ReadOnlySpan<TEvent> events, ReadOnlySpan<long> timestamps,
        ReadOnlySpan<ulong> bits)
    {
        LoadKeys(keyBytes, keyEnds);
        ProcessLoaded(events, timestamps, bits);
    }

    /// <summary>
    /// The first half of <see cref="ProcessElements(ReadOnlySpan{byte}, ReadOnlySpan{long}, ReadOnlySpan{TEvent}, ReadOnlySpan{long}, ReadOnlySpan{ulong})"/>:
    /// looks up the keys of a batch (all of them first: lookups that do not wait for each other's cache misses, as a lookup
    /// between two NFA steps would, go faster, and their states are still cached when the events are processed), for
    /// <see cref="ConditionsInReach"/> and then <see cref="ProcessLoaded"/>.
    /// </summary>
    public void LoadKeys(ReadOnlySpan<byte> keyBytes, ReadOnlySpan<long> keyEnds)
    {
        IndexRestoredKeys();
        _loaded = keyEnds.Length;
        var keys = _batchKeys.Take(_loaded);
        var states = _batchStates.Take(_loaded);
        var start = 0;
        for (var i = 0; i < keyEnds.Length; i++)
        {
            var end = (int)keyEnds[i];
            states[i] = Load(keyBytes[start..end], out keys[i]);
            start = end;
        }
    }

    /// <summary>
    /// Per event of the batch <see cref="LoadKeys"/> loaded: the conditions the NFA may read when it matches the event,
    /// (bit c for condition c), from the states its key's partial matches are in and the key's events before it in the
    /// batch. Events processed as they come (processing time, ties not ordered) only; others may read every condition.
    /// </summary>
    public void ConditionsInReach(Span<ulong> conditions)
    {
        if (conditions.Length != _loaded)
            throw new ArgumentException($"{conditions.Length} entries for a batch of {_loaded} events");
        var states = _batchStates.Take(_loaded);
        if (Mode != CepTimeMode.ProcessingTime || OrdersTies || !_reach.Followed)
        {
            conditions.Fill(Pattern.Conditions);
            return;
        }

        _batchNumber++;
        for (var i = 0; i < states.Length; i++)
        {
            var state = states[i];
            state.InReach = state.Batch == _batchNumber ? _reach.Step(state.InReach) : state.Idle ? _reach.StartStates : _reach.StatesOf(state.Partial) | _nfa.ChainStates(state);
            state.Batch = _batchNumber;
            conditions[i] = _reach.Atoms(state.InReach);
        }
    }

    /// <summary>The second half of <see cref="ProcessElements(ReadOnlySpan{byte}, ReadOnlySpan{long}, ReadOnlySpan{TEvent}, ReadOnlySpan{long}, ReadOnlySpan{ulong})"/>: the events of the keys <see cref="LoadKeys"/> loaded.</summary>
    public void ProcessLoaded(ReadOnlySpan<TEvent> events, ReadOnlySpan<long> timestamps, ReadOnlySpan<ulong> bits)
    {
        if (events.Length != _loaded || bits.Length != events.Length || (Mode == CepTimeMode.EventTime && timestamps.Length != events.Length))
            throw new ArgumentException("loaded keys, events, timestamps and condition bits must have the same length");
        var now = Mode == CepTimeMode.ProcessingTime ? _processingTime.Now : 0;
        var keys = _batchKeys.Take(_loaded);
        var states = _batchStates.Take(_loaded);
        _loaded = 0;
        try
        {
            if (Mode == CepTimeMode.ProcessingTime && !OrdersTies && !_nfa.HasIterativeConditions)
                ProcessByKey(keys, states, events, bits, now);
            else
            {
                for (var i = 0; i < events.Length; i++)
                    ProcessElement(keys[i], states[i], events[i], bits[i], Mode == CepTimeMode.ProcessingTime ? now : timestamps[i]);
            }
        }
        finally
        {
            keys.Clear();
            states.Clear();
        }

        if (_keys.Count > _maxCachedKeys)
            Flush(evict: true);
    }

    /// <summary>
    /// Matches a batch of events as they arrive key by key, each key's events in arrival order: a key's state is reached
    /// once for all its events in the batch instead of once per event, which is what matching a batch of many keys costs
    /// most (its state is out of the cache by the key's next event). Keys do not see each other, so each key's steps are
    /// those of matching the events one by one; what the steps report (matches, timed-out partial matches, timers) is
    /// held, then handed on in the order of the events that reported it, so the outputs and their order are too. Only
    /// without iterative conditions, which are user functions called per step: they are called in arrival order.
    /// </summary>
    private void ProcessByKey(ReadOnlySpan<byte[]> keys, ReadOnlySpan<KeyState> states, ReadOnlySpan<TEvent> events, ReadOnlySpan<ulong> bits, long now)
    {
        var next = _nextOfKey.Take(events.Length);
        var firsts = _firstOfKeys;
        firsts.Clear();
        var pass = ++_keyPass;
        for (var i = 0; i < events.Length; i++)
        {
            var state = states[i];
            next[i] = -1;
            if (state.KeyPass == pass)
                next[state.LastOfPass] = i;
            else
            {
                state.KeyPass = pass;
                firsts.Add(i);
            }

            state.LastOfPass = i;
        }

        var reportsOf = _reportsOf.Take(events.Length);
        _deferring = true;
        try
        {
            foreach (var first in firsts)
            {
                for (var i = first; i >= 0; i = next[i])
                {
                    var start = _reports.Count;
                    ProcessNow(keys[i], states[i], events[i], bits[i], now);
                    reportsOf[i] = (start, _reports.Count - start);
                }
            }

            _deferring = false;
            foreach (var (start, count) in reportsOf)
            {
                for (var r = start; r < start + count; r++)
                    HandOn(_reports[r]);
            }
        }
        finally
        {
            _deferring = false;
            _reports.Clear();
        }
    }

    /// <summary>A match or a timed-out partial match: held while a batch goes key by key (<see cref="ProcessByKey"/>), else handed on now.</summary>
    private void Hand(Report report)
    {
        if (_deferring)
            _reports.Add(report);
        else
            HandOn(report);
    }

    private void HandOn(Report report)
    {
        switch (report.Kind)
        {
            case ReportKind.Match:
                OnMatch(report.Key, report.Match!, report.Time);
                break;
            case ReportKind.TimedOut:
                OnTimedOut(report.Key, report.Match!, report.Time);
                break;
            default:
                RegisterTimer(report.Key, report.Time);
                break;
        }
    }

    private void ProcessElement(byte[] key, KeyState state, TEvent value, ulong bits, long time)
    {
        if (Mode == CepTimeMode.ProcessingTime && !OrdersTies)
            ProcessNow(key, state, value, bits, time);
        else
            Buffer(key, state, value, bits, time);
    }

    /// <summary>Event time reached <paramref name="watermark"/>: matches the events it passed and ends the windows it closed.</summary>
    public void AdvanceWatermark(long watermark)
    {
        IndexRestoredKeys();
        if (watermark <= CurrentWatermark)
            return;
        CurrentWatermark = watermark;
        if (Mode != CepTimeMode.EventTime)
            return;
        // Timers that firing registers at or before the watermark fire too, as Flink's do.
        while (_eventTimers.TryTakeDue(watermark, out var key, out var due))
            Fire(key, due, TimeDomain.EventTime);
    }

    public void OnTimers(int operation, TimeDomain domain, IReadOnlyList<FiredTimer> timers)
    {
        foreach (var timer in timers)
            Fire(timer.Key, timer.Timestamp, domain);
    }

    private void Fire(byte[] key, long due, TimeDomain domain)
    {
        var state = Load(key);
        if (state.Due != due)
            return; // superseded by an earlier timer that already ran
        state.Due = long.MaxValue;
        state.Dirty = true; // time advanced: windows may have ended even when nothing is reported
        Drain(key, state, domain == TimeDomain.EventTime ? CurrentWatermark : _processingTime.Now);
        Schedule(key, state);
    }

    /// <summary>Keeps an event until time passes it: the watermark (event time) or a timer at its arrival (processing time, ties ordered).</summary>
    private void Buffer(byte[] key, KeyState state, TEvent value, ulong bits, long timestamp)
    {
        if (Mode == CepTimeMode.EventTime && timestamp <= CurrentWatermark)
        {
            OnLateEvent(key, value, timestamp);
            return;
        }

        if (state.Pending.Count > 0 && timestamp < state.Pending[^1].Timestamp)
            state.PendingSorted = false;
        state.Pending.Add(new PendingEvent<TEvent>(timestamp, state.NextArrival++, value, bits));
        state.Dirty = true;
        state.Idle = false;
        if (timestamp < state.Due)
            Register(key, state, timestamp);
    }

    private void ProcessNow(byte[] key, KeyState state, TEvent value, ulong bits, long now)
    {
        // Most events of most keys start nothing: the key's state is not touched beyond the flag that says so.
        if (state.Idle && _nfa.LeavesStartAsIs(bits))
            return;
        state.Dirty = true;
        Advance(key, state, now);
        _nfa.Process(state, value, bits, now, _matches);
        EmitMatches(key, now);
        Schedule(key, state);
    }

    /// <summary>Matches the key's buffered events up to <paramref name="upTo"/> in timestamp order, then advances time to it.</summary>
    private void Drain(byte[] key, KeyState state, long upTo)
    {
        var pending = state.Pending;
        if (!state.PendingSorted)
        {
            pending.Sort();
            state.PendingSorted = true;
        }

        var count = 0;
        while (count < pending.Count && pending[count].Timestamp <= upTo)
        {
            var timestamp = pending[count].Timestamp;
            Advance(key, state, timestamp);
            var end = count + 1;
            while (end < pending.Count && pending[end].Timestamp == timestamp)
                end++;
            if (end - count > 1 && OrdersTies)
                ProcessTies(state, count, end, timestamp);
            else
            {
                for (var i = count; i < end; i++)
                    _nfa.Process(state, pending[i].Event, pending[i].Bits, timestamp, _matches);
            }

            count = end;
            EmitMatches(key, timestamp);
        }

        if (count > 0)
        {
            pending.RemoveFirst(count);
            state.Dirty = true;
        }

        Advance(key, state, upTo);
    }

    /// <summary>Matches the buffered events <paramref name="start"/> to <paramref name="end"/> (one timestamp) in the order <see cref="OrderTies"/> gives.</summary>
    private void ProcessTies(KeyState state, int start, int end, long timestamp)
    {
        var pending = state.Pending;
        var events = _tieEvents.Take(end - start);
        for (var i = 0; i < events.Length; i++)
            events[i] = pending[start + i].Event;
        var order = _tieOrder.Take(events.Length);
        OrderTies(events, order);
        var seen = new bool[order.Length];
        foreach (var index in order)
        {
            if ((uint)index >= (uint)seen.Length || seen[index])
                throw new PyStreamException($"CEP: the order of {order.Length} events of equal timestamp is not a permutation of them");
            seen[index] = true;
        }

        foreach (var index in order)
            _nfa.Process(state, pending[start + index].Event, pending[start + index].Bits, timestamp, _matches);
    }

    private void Advance(byte[] key, KeyState state, long timestamp)
    {
        var before = _timedOut.Count;
        _nfa.AdvanceTime(state, timestamp, _matches, _handleTimeouts ? _timedOut : null);
        if (_matches.Count > 0 || _timedOut.Count > before)
            state.Dirty = true;
        EmitMatches(key, timestamp);
        foreach (var (partial, at) in _timedOut)
            Hand(new Report(ReportKind.TimedOut, key, partial, at));
        _timedOut.Clear();
    }

    private void EmitMatches(byte[] key, long timestamp)
    {
        foreach (var match in _matches)
            Hand(new Report(ReportKind.Match, key, match, timestamp));
        _matches.Clear();
    }

    /// <summary>Sets the key's timer to its earliest buffered event or window end.</summary>
    private void Schedule(byte[] key, KeyState state)
    {
        var due = state.NextTimeout(Pattern);
        if (state.Pending.Count > 0)
            due = Math.Min(due, state.PendingSorted ? state.Pending[0].Timestamp : state.Pending.MinTimestamp());
        if (due < state.Due)
            Register(key, state, due);
        state.Idle = state.IsEmpty;
        if (state.Idle)
            state.Dirty = true; // written as a removal
    }

    private void Register(byte[] key, KeyState state, long due)
    {
        state.Due = due;
        state.Dirty = true;
        RegisterTimer(key, due);
    }

    private void RegisterTimer(byte[] key, long due)
    {
        if (_deferring)
            _reports.Add(new Report(ReportKind.Timer, key, null, due));
        else if (Mode == CepTimeMode.EventTime)
            _eventTimers.Add(key, due);
        else
            _processingTime.Register(this, 0, key, due);
    }

    private enum ReportKind : byte
    {
        Match,
        TimedOut,
        Timer,
    }

    /// <summary>What matching reported for a key while a batch went key by key: a match or timed-out partial match at a time, or a timer due then.</summary>
    private readonly record struct Report(ReportKind Kind, byte[] Key, PatternMatch<TEvent>? Match, long Time);
}
