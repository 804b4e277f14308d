using System.Runtime.InteropServices;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.State;
using PyStream.Engine.Time;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Cep;

/// <summary>
/// Flink's CepOperator for the Python CEP API, on the keyed <see cref="CepOperatorCore{TEvent}"/>:
/// events stay Python objects on the Python side and the NFA holds handles to them (see
/// <see cref="IPythonCep"/>); conditions and the match function run in Python, called once per
/// arriving batch (keeping it and testing every simple condition), per NFA step for iterative
/// conditions, and once per batch of matches and timed-out partial matches. Events are pickled
/// only when changed keys are written to the store (a snapshot); from time to time the Python
/// side forgets the events no key refers to any more. Port 0 carries results, port 1 late events
/// (when the pattern stream asked for them), ports 2 and up what the function yields to side outputs.
/// </summary>
public sealed class PythonCepOperator : StreamOperator, ISegmentHost
{
    /// <summary>Arrivals kept on the Python side before it is asked to forget the unreferenced ones (at least).</summary>
    private const int MinArrivalsBetweenSweeps = 1 << 16;

    private readonly int _transformationId;
    private readonly PatternDefinition _definition;
    private readonly IReadOnlyList<bool> _iterative;
    private readonly CepTimeMode _mode;
    private readonly bool _lateOutput;
    private readonly bool _handleTimeouts;
    private readonly bool _ordersTies;
    private readonly List<CepMatch> _outputs = [];
    private readonly int[] _simpleConditions;
    private readonly HandleEvents _events;
    private IPythonCep? _python;
    private Core? _core;
    private readonly ScratchArray<byte> _keyScratch = new();
    private readonly ScratchArray<long> _keyEndScratch = new();
    private readonly ScratchArray<long> _handleScratch = new();
    private readonly ScratchArray<ulong> _maskScratch = new();
    private readonly ScratchArray<long> _timeScratch = new();
    private readonly ScratchArray<ulong> _reachScratch = new();
    private long _nextHandle;
    private long _arrivalsSinceSweep;
    private int _liveAtSweep;

    public PythonCepOperator(string name, int transformationId, PatternDefinition definition, IReadOnlyList<bool> iterative,
        CepTimeMode mode, bool lateOutput, bool handleTimeouts, int sideOutputs, int inputCount, bool ordersTies = false)
        : base(name, inputCount, portCount: 2 + sideOutputs)
    {
        _transformationId = transformationId;
        _definition = definition;
        _iterative = iterative;
        _mode = mode;
        _lateOutput = lateOutput;
        _handleTimeouts = handleTimeouts;
        _ordersTies = ordersTies;
        _simpleConditions = [.. Enumerable.Range(0, iterative.Count).Where(c => !iterative[c])];
        _events = new HandleEvents(this);
    }

    public IKeyedStateStore State => Context.State;

    public StateTtls StateTtls => Context.StateTtls;

    public long CurrentProcessingTime => Context.Timers.Now;

    public Telemetry.UserMetrics Metrics => Context.UserMetrics;

    public override void Open(TaskContext context)
    {
        base.Open(context);
        var python = context.Python ?? throw new PyStreamException($"'{Name}' needs the Python runtime");
        _python = python.CreateCep(_transformationId, context.Info, this);
        _core = new Core(this, NfaCompiler.Compile(_definition), new PythonCepConditions(this));
        _core.Open(context, StateKey);
        _python.Open();
    }

    public override void ProcessBatch(int input, Batch batch)
    {
        if (batch is not PythonBatch records)
            throw new PyStreamException($"'{Name}' reads Python records, not a {batch.GetType().Name}");
        var keys = batch.Keys ?? throw new PyStreamException($"'{Name}' needs keyed records");
        var stamps = batch.Timestamps;
        var late = new List<int>();
        if (_mode == CepTimeMode.EventTime)
        {
            var watermark = _core!.CurrentWatermark;
            for (var i = 0; i < batch.Count; i++)
            {
                var timestamp = stamps?[i] ?? long.MinValue;
                if (timestamp == long.MinValue)
                {
                    throw new PyStreamException(
                        "Record has Long.MIN_VALUE timestamp (= no timestamp marker). Is the time characteristic set to 'ProcessingTime', "
                        + "or did you forget to call 'DataStream.assign_timestamps_and_watermarks(...)'?");
                }

                if (timestamp <= watermark)
                    late.Add(i);
            }
        }

        // Events matched as they come are tested only against the conditions the NFA may read then (those of the states
        // their keys' partial matches can be in), as Flink tests only the conditions of the edges it walks.
        var loaded = _mode == CepTimeMode.ProcessingTime && !_ordersTies && _simpleConditions.Length > 0;
        int[]?[]? wanted = null;
        if (loaded)
        {
            _core!.LoadKeys(keys.Data, keys.Ends.AsSpan(0, batch.Count));
            var reach = _reachScratch.Take(batch.Count);
            _core.ConditionsInReach(reach);
            wanted = Wanted(reach);
        }

        var firstHandle = _nextHandle;
        var arrivals = _python!.Prepare(records, firstHandle, late.Count == 0 ? [] : late.ToArray(), wanted);
        if (arrivals.Late is { } lateRecords && _lateOutput)
            Emit(1, lateRecords);
        var count = batch.Count - late.Count;
        _nextHandle += count;
        _arrivalsSinceSweep += count;
        var events = _handleScratch.Take(count);
        var times = _timeScratch.Take(count);
        var masks = _maskScratch.Take(count);
        masks.Clear();
        var tested = arrivals.Tested;
        var expected = 0;
        for (var s = 0; s < _simpleConditions.Length; s++)
            expected += wanted?[s]?.Length ?? count;
        if (tested.Length != expected)
            throw new PyStreamException($"'{Name}': {tested.Length} condition results for {count} events and {_simpleConditions.Length} simple conditions, not {expected}");
        for (int s = 0, at = 0; s < _simpleConditions.Length; s++)
        {
            var bit = 1UL << _simpleConditions[s];
            var indexes = wanted?[s];
            var row = tested.AsSpan(at, indexes?.Length ?? count);
            at += row.Length;
            for (var n = 0; n < row.Length; n++)
            {
                if (row[n] != 0)
                    masks[indexes is null ? n : indexes[n]] |= bit;
            }
        }

        // The keys of the events on time: the batch's own buffer, or (with late records left out) a copy of theirs.
        ReadOnlySpan<byte> keyBytes = keys.Data;
        ReadOnlySpan<long> keyEnds = keys.Ends.AsSpan(0, batch.Count);
        if (late.Count > 0)
        {
            keyBytes = _keyScratch.Take(KeysOnTime(keys, late, count));
            keyEnds = _keyEndScratch.Take(count);
        }

        for (int i = 0, n = 0, skip = 0; i < batch.Count; i++)
        {
            if (skip < late.Count && late[skip] == i)
            {
                skip++;
                continue;
            }

            events[n] = firstHandle + n;
            times[n++] = stamps?[i] ?? 0;
        }

        if (loaded)
            _core!.ProcessLoaded(events, times, masks);
        else
            _core!.ProcessElements(keyBytes, keyEnds, events, times, masks);
        EmitOutputs();
        SweepIfDue();
        _events.ForgetPickles(); // made when too many keys were held and written out
    }

    /// <summary>Per simple condition: the events to test against it (their indexes), or null for every event.</summary>
    private int[]?[] Wanted(ReadOnlySpan<ulong> reach)
    {
        var wanted = new int[]?[_simpleConditions.Length];
        for (var s = 0; s < wanted.Length; s++)
        {
            var bit = 1UL << _simpleConditions[s];
            var count = 0;
            foreach (var conditions in reach)
            {
                if ((conditions & bit) != 0)
                    count++;
            }

            if (count == reach.Length)
                continue;
            var indexes = wanted[s] = new int[count];
            for (int n = 0, i = 0; n < reach.Length; n++)
            {
                if ((reach[n] & bit) != 0)
                    indexes[i++] = n;
            }
        }

        return wanted;
    }

    /// <summary>Copies the keys of the records that are not late into the key scratch; returns their length.</summary>
    private int KeysOnTime(KeyBlob keys, List<int> late, int count)
    {
        var bytes = _keyScratch.Take(keys.Data.Length);
        var ends = _keyEndScratch.Take(count);
        var length = 0;
        for (int i = 0, n = 0, skip = 0; n < count; i++)
        {
            if (skip < late.Count && late[skip] == i)
            {
                skip++;
                continue;
            }

            var key = keys.KeyAt(i);
            key.CopyTo(bytes[length..]);
            length += key.Length;
            ends[n++] = length;
        }

        return length;
    }

    protected override void OnWatermark(long watermark)
    {
        _core!.AdvanceWatermark(watermark);
        EmitOutputs();
        SweepIfDue();
        base.OnWatermark(watermark);
    }

    /// <summary>Pattern state goes to the keyed store (what Python caches first).</summary>
    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        _python!.PrepareSnapshot();
        _core!.Flush();
        _events.ForgetPickles();
    }

    /// <summary>
    /// Once enough arrivals piled up on the Python side (at least as many again as were live at the
    /// last sweep, so a sweep costs O(1) per arrival), it keeps only the events some key still refers to.
    /// </summary>
    private void SweepIfDue()
    {
        if (_arrivalsSinceSweep < Math.Max(MinArrivalsBetweenSweeps, 2L * _liveAtSweep))
            return;
        var live = _core!.LiveEvents(changedOnly: false);
        _events.SendRestored();
        _python!.Retain(live, _nextHandle);
        _liveAtSweep = live.Length;
        _arrivalsSinceSweep = 0;
    }

    private void EmitOutputs()
    {
        if (_outputs.Count == 0)
            return;
        _events.SendRestored();
        var outputs = _python!.Emit(_outputs);
        _outputs.Clear();
        for (var port = 0; port < outputs.Length; port++)
        {
            if (outputs[port] is { } batch)
                Emit(port, batch);
        }
    }

    private static CepMatch ToPython(bool timedOut, long timestamp, PatternMatch<long> match) =>
        new(timedOut, timestamp, match.StageNames, match.Layout, match.EventArray);

    public override void Close()
    {
        using var python = _python;
        _python = null;
        // The keys' state goes with the job even while something still holds the closed operator (the script's engine
        // kept every ended job until it forgot them at the next start: ~8 MB of 10K keys' state live per finished job).
        _core = null;
        _events.ForgetPickles();
        python?.Close();
    }

    // A PatternProcessFunction has no timers of its own.
    public void RegisterProcessingTimeTimer(int operation, byte[] key, long timestamp) => throw new NotSupportedException("a pattern function has no timers");

    public void DeleteProcessingTimeTimer(int operation, byte[] key, long timestamp) => throw new NotSupportedException("a pattern function has no timers");

    public void RegisterEventTimeTimer(int operation, byte[] key, long timestamp) => throw new NotSupportedException("a pattern function has no timers");

    public void DeleteEventTimeTimer(int operation, byte[] key, long timestamp) => throw new NotSupportedException("a pattern function has no timers");

    /// <summary>The keyed core: what it matches goes to the operator's outputs for Python.</summary>
    private sealed class Core(PythonCepOperator op, CompiledPattern pattern, PythonCepConditions conditions)
        : CepOperatorCore<long>(pattern, conditions, op._events, op._mode, op._handleTimeouts), ITimerTarget
    {
        /// <summary>The events the keys held in memory refer to (each once: an event belongs to one key, once in its state).</summary>
        public long[] LiveEvents(bool changedOnly) => [.. CachedEvents(changedOnly)];

        protected override void OnMatch(byte[] key, PatternMatch<long> match, long timestamp) =>
            op._outputs.Add(ToPython(false, timestamp, match));

        protected override void OnTimedOut(byte[] key, PatternMatch<long> partial, long timestamp) =>
            op._outputs.Add(ToPython(true, timestamp, partial));

        protected override void OnFlushing() => op._events.PickleForFlush(LiveEvents(changedOnly: true));

        protected override bool OrdersTies => op._ordersTies;

        protected override void OrderTies(ReadOnlySpan<long> events, Span<int> order)
        {
            op._events.SendRestored();
            var ranked = op._python!.Order(events);
            if (ranked.Length != order.Length)
                throw new PyStreamException($"'{op.Name}': the comparator's order has {ranked.Length} events, not {order.Length}");
            ranked.CopyTo(order);
        }

        // Processing-time timers fire from the mailbox: what they produce goes out right away.
        void ITimerTarget.OnTimers(int operation, TimeDomain domain, IReadOnlyList<FiredTimer> timers)
        {
            OnTimers(operation, domain, timers);
            op.EmitOutputs();
            op.SweepIfDue();
        }
    }

    /// <summary>
    /// Events are handles to Python objects: written as their pickles (made in one call before a
    /// flush), read back as new (negative) handles whose events Python unpickles before it next
    /// needs them.
    /// </summary>
    private sealed class HandleEvents(PythonCepOperator op) : ICepEventSerializer<long>
    {
        private readonly List<long> _restoredHandles = [];
        private readonly List<byte[]> _restoredPickles = [];
        private readonly Dictionary<long, (int Start, int Length)> _pickled = [];
        private byte[] _blob = [];
        private long _nextRestored = -1;

        public void PickleForFlush(long[] handles)
        {
            ForgetPickles();
            if (handles.Length == 0)
                return;
            SendRestored();
            var pickled = op._python!.Pickle(handles);
            _blob = pickled.Blob;
            long start = 0;
            for (var i = 0; i < handles.Length; i++)
            {
                _pickled[handles[i]] = ((int)start, (int)(pickled.Ends[i] - start));
                start = pickled.Ends[i];
            }
        }

        public void ForgetPickles()
        {
            _pickled.Clear();
            _blob = [];
        }

        /// <summary>Events read from the store since the last call become Python objects.</summary>
        public void SendRestored()
        {
            if (_restoredHandles.Count == 0)
                return;
            op._python!.Restore(CollectionsMarshal.AsSpan(_restoredHandles), _restoredPickles);
            _restoredHandles.Clear();
            _restoredPickles.Clear();
        }

        public void Write(BinaryWriter writer, long value)
        {
            if (!_pickled.TryGetValue(value, out var at))
                throw new PyStreamException($"CEP state: event {value} was not pickled before the flush");
            writer.Write7BitEncodedInt(at.Length);
            writer.Write(_blob, at.Start, at.Length);
        }

        public long Read(BinaryReader reader)
        {
            var handle = _nextRestored--;
            _restoredHandles.Add(handle);
            _restoredPickles.Add(reader.ReadBytes(reader.Read7BitEncodedInt()));
            return handle;
        }
    }

    /// <summary>The pattern's Python conditions: simple ones are tested with the batch as it arrives, iterative ones per NFA step.</summary>
    private sealed class PythonCepConditions(PythonCepOperator op) : ICepConditions<long>, ICepBatchConditions<long>
    {
        public int Count => op._iterative.Count;

        public bool IsIterative(int condition) => op._iterative[condition];

        public void TestSimple(ReadOnlySpan<long> events, Span<ulong> results) =>
            throw new InvalidOperationException("simple Python conditions are tested as a batch arrives");

        public bool TestIterative(int condition, long ev, IConditionContext<long> context)
        {
            Span<bool> result = stackalloc bool[1];
            TestIterative([new IterativeTest<long>(condition, ev, context)], result);
            return result[0];
        }

        public void TestIterative(IReadOnlyList<IterativeTest<long>> tests, Span<bool> results)
        {
            var names = op._core!.Pattern.StageNames;
            var queries = tests.Select(t => new CepConditionQuery(t.Condition, t.Event, t.Context.Timestamp,
                [.. names.Select(n => new CepStageEvents(n, t.Context.EventsForPattern(n))).Where(s => s.Events.Count > 0)])).ToList();
            op._events.SendRestored();
            op._python!.TestIterative(queries).CopyTo(results);
        }
    }
}
