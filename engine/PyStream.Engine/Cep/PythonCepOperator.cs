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
/// events are pickled Python records, conditions and the match function run in Python, called
/// once per arriving batch (pickling it and testing every simple condition), per NFA step for
/// iterative conditions, and once per batch of matches and timed-out partial matches. Port 0
/// carries results, port 1 late events (when the pattern stream asked for them), ports 2 and
/// up what the function yields to side outputs.
/// </summary>
public sealed class PythonCepOperator : StreamOperator, ISegmentHost
{
    private readonly int _transformationId;
    private readonly PatternDefinition _definition;
    private readonly IReadOnlyList<bool> _iterative;
    private readonly CepTimeMode _mode;
    private readonly bool _lateOutput;
    private readonly bool _handleTimeouts;
    private readonly List<CepMatch> _outputs = [];
    private IPythonCep? _python;
    private Core? _core;

    public PythonCepOperator(string name, int transformationId, PatternDefinition definition, IReadOnlyList<bool> iterative,
        CepTimeMode mode, bool lateOutput, bool handleTimeouts, int sideOutputs, int inputCount)
        : base(name, inputCount, portCount: 2 + sideOutputs)
    {
        _transformationId = transformationId;
        _definition = definition;
        _iterative = iterative;
        _mode = mode;
        _lateOutput = lateOutput;
        _handleTimeouts = handleTimeouts;
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

        var arrivals = _python!.Prepare(records, late.Count == 0 ? [] : late.ToArray());
        if (arrivals.Late is { } lateRecords && _lateOutput)
            Emit(1, lateRecords);
        var count = batch.Count - late.Count;
        var eventKeys = new byte[count][];
        var events = new byte[count][];
        var times = new long[count];
        _core!.Masks = new ulong[count];
        for (int i = 0, n = 0; i < batch.Count; i++)
        {
            if (arrivals.Events[i] is not { } pickled)
                continue;
            eventKeys[n] = keys.KeyAt(i).ToArray();
            events[n] = pickled;
            times[n] = stamps?[i] ?? 0;
            _core.Masks[n++] = arrivals.SimpleMasks[i];
        }

        _core.ProcessElements(eventKeys, events, times);
        EmitOutputs();
    }

    protected override void OnWatermark(long watermark)
    {
        _core!.AdvanceWatermark(watermark);
        EmitOutputs();
        base.OnWatermark(watermark);
    }

    /// <summary>Pattern state goes to the keyed store (what Python caches first).</summary>
    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        _python!.PrepareSnapshot();
        _core!.Flush();
    }

    private void EmitOutputs()
    {
        if (_outputs.Count == 0)
            return;
        var outputs = _python!.Emit(_outputs);
        _outputs.Clear();
        for (var port = 0; port < outputs.Length; port++)
        {
            if (outputs[port] is { } batch)
                Emit(port, batch);
        }
    }

    private static List<CepStageEvents> StagesOf(PatternMatch<byte[]> match) =>
        [.. match.Stages.Select((stage, i) => new CepStageEvents(stage, match.Events[i]))];

    public override void Close()
    {
        using var python = _python;
        _python = null;
        python?.Close();
    }

    // A PatternProcessFunction has no timers of its own.
    public void RegisterProcessingTimeTimer(int operation, byte[] key, long timestamp) => throw new NotSupportedException("a pattern function has no timers");

    public void DeleteProcessingTimeTimer(int operation, byte[] key, long timestamp) => throw new NotSupportedException("a pattern function has no timers");

    public void RegisterEventTimeTimer(int operation, byte[] key, long timestamp) => throw new NotSupportedException("a pattern function has no timers");

    public void DeleteEventTimeTimer(int operation, byte[] key, long timestamp) => throw new NotSupportedException("a pattern function has no timers");

    /// <summary>The keyed core: what it matches goes to the operator's outputs for Python.</summary>
    private sealed class Core(PythonCepOperator op, CompiledPattern pattern, PythonCepConditions conditions)
        : CepOperatorCore<byte[]>(pattern, conditions, PickledEvents.Instance, op._mode, op._handleTimeouts), ITimerTarget
    {
        /// <summary>The simple-condition bits of the batch being handed to the core, tested in Python with its pickling.</summary>
        public ulong[] Masks { get => conditions.Masks; set => conditions.Masks = value; }

        protected override void OnMatch(byte[] key, PatternMatch<byte[]> match, long timestamp) =>
            op._outputs.Add(new CepMatch(false, timestamp, StagesOf(match)));

        protected override void OnTimedOut(byte[] key, PatternMatch<byte[]> partial, long timestamp) =>
            op._outputs.Add(new CepMatch(true, timestamp, StagesOf(partial)));

        // Processing-time timers fire from the mailbox: what they produce goes out right away.
        void ITimerTarget.OnTimers(int operation, TimeDomain domain, IReadOnlyList<FiredTimer> timers)
        {
            OnTimers(operation, domain, timers);
            op.EmitOutputs();
        }
    }

    /// <summary>Events are pickled bytes, written as they are.</summary>
    private sealed class PickledEvents : ICepEventSerializer<byte[]>
    {
        public static PickledEvents Instance { get; } = new();

        public void Write(BinaryWriter writer, byte[] value)
        {
            writer.Write7BitEncodedInt(value.Length);
            writer.Write(value);
        }

        public byte[] Read(BinaryReader reader) => reader.ReadBytes(reader.Read7BitEncodedInt());
    }

    /// <summary>The pattern's Python conditions: simple ones are tested with the batch's pickling, iterative ones per NFA step.</summary>
    private sealed class PythonCepConditions(PythonCepOperator op) : ICepConditions<byte[]>, ICepBatchConditions<byte[]>
    {
        public ulong[] Masks { get; set; } = [];

        public int Count => op._iterative.Count;

        public bool IsIterative(int condition) => op._iterative[condition];

        public void TestSimple(ReadOnlySpan<byte[]> events, Span<ulong> results) => Masks.AsSpan(0, events.Length).CopyTo(results);

        public bool TestIterative(int condition, byte[] ev, IConditionContext<byte[]> context)
        {
            Span<bool> result = stackalloc bool[1];
            TestIterative([new IterativeTest<byte[]>(condition, ev, context)], result);
            return result[0];
        }

        public void TestIterative(IReadOnlyList<IterativeTest<byte[]>> tests, Span<bool> results)
        {
            var names = op._core!.Pattern.StageNames;
            var queries = tests.Select(t => new CepConditionQuery(t.Condition, t.Event, t.Context.Timestamp,
                [.. names.Select(n => new CepStageEvents(n, t.Context.EventsForPattern(n))).Where(s => s.Events.Count > 0)])).ToList();
            op._python!.TestIterative(queries).CopyTo(results);
        }
    }
}
