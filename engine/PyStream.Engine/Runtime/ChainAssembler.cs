using PyStream.Engine.Graph;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime;

/// <summary>The operators of one subtask of a chain, wired together.</summary>
internal sealed class ChainAssembly
{
    /// <summary>Every operator of the subtask.</summary>
    public List<StreamOperator> Operators { get; } = [];

    public SourceOperator? Source { get; set; }

    /// <summary>For each input of the chain's head node: the operator and input it feeds.</summary>
    public (StreamOperator Operator, int Input)[] NetworkInputs { get; set; } = [];
}

/// <summary>
/// Builds a chain's operators for one subtask. Connected Python nodes fuse into one
/// <see cref="PythonSegmentOperator"/>; where native records must become Python ones
/// (keys, pickles, encoded lines), an empty segment does the conversion.
/// </summary>
internal static class ChainAssembler
{
    public static ChainAssembly Assemble(JobGraph graph, OperatorChain chain, int subtask, JobEnvironment environment, Func<StreamEdge, IBatchConsumer> networkOutput)
    {
        var assembly = new ChainAssembly();
        var segments = new Dictionary<StreamNode, SegmentBuilder>();
        var nativeOps = new Dictionary<StreamNode, StreamOperator>();
        var converters = new Dictionary<StreamEdge, StreamOperator>();

        foreach (var node in chain.Nodes)
        {
            if (node.IsPython)
            {
                var input = node.Inputs.Count == 1 ? node.Inputs[0].Source : null;
                var segment = node != chain.Head && input is { IsPython: true } && segments.TryGetValue(input, out var joined)
                    ? joined
                    : new SegmentBuilder(node.Name);
                segment.Add(node);
                segments[node] = segment;
            }
            else
            {
                var op = OperatorFactory.Create(graph, node, subtask, environment);
                op.StateKey = node.StateKey;
                nativeOps[node] = op;
                assembly.Operators.Add(op);
                if (op is SourceOperator source)
                    assembly.Source = source;
            }
        }

        // Wire every edge that leaves a node of this chain.
        foreach (var node in chain.Nodes)
        {
            foreach (var edge in node.Outputs)
            {
                var chained = chain.Contains(edge.Target);
                if (chained && node.IsPython && edge.Target.IsPython)
                    continue; // inside one segment: Python passes the records itself
                var consumer = chained ? InputOf(edge, segments, nativeOps) : networkOutput(edge);
                var keying = chained && !edge.Target.IsKeyedNative ? ExitKeying.None : KeyingOf(edge);
                if (node.IsPython)
                {
                    segments[node].AddExit(edge, keying).Add(consumer);
                }
                else if (NeedsPython(edge, keying))
                {
                    var converter = new SegmentBuilder($"{node.Name} (to Python)");
                    converter.AddEntry(edge);
                    converter.AddExit(edge, keying).Add(consumer);
                    var op = converter.Build();
                    assembly.Operators.Add(op);
                    converters[edge] = op;
                    nativeOps[node].Outputs[edge.SourcePort].Add(new ChainedInput(op, 0));
                }
                else
                {
                    nativeOps[node].Outputs[edge.SourcePort].Add(consumer);
                }
            }
        }

        foreach (var segment in segments.Values.Distinct())
            assembly.Operators.Add(segment.Build());
        LinkSplitWatermarks(assembly, chain, nativeOps);
        LinkCallLimit(assembly, chain, segments, nativeOps, converters);

        assembly.NetworkInputs = chain.Head.Inputs
            .Select(edge => edge.Target.IsPython
                ? ((StreamOperator)segments[edge.Target].Operator!, segments[edge.Target].EntryOf(edge))
                : (nativeOps[edge.Target], edge.TargetInput))
            .ToArray();
        return assembly;
    }

    /// <summary>
    /// A watermark generator chained behind a source with splits (through Python operations
    /// such as a deserializer, or SQL operators decoding rows) generates its watermarks per
    /// split: from_source's watermark node, or a SQL table's WATERMARK.
    /// </summary>
    private static void LinkSplitWatermarks(ChainAssembly assembly, OperatorChain chain, Dictionary<StreamNode, StreamOperator> nativeOps)
    {
        if (assembly.Source is not { HasSplits: true } source)
            return;
        var node = chain.Nodes.FirstOrDefault(n => n.IsSource);
        while (node is not null)
        {
            if (nativeOps.TryGetValue(node, out var op) && op is IPerSplitWatermarks generator)
            {
                if (generator.PerSplit)
                    source.SplitWatermarks = generator.GeneratePerSplit();
                return;
            }

            var next = node.Outputs.Count == 1 && chain.Contains(node.Outputs[0].Target) ? node.Outputs[0].Target : null;
            node = next is not null && (next.IsPython || next.IsWatermarks || next.IsSql) ? next : null;
        }
    }

    /// <summary>
    /// A source chained to operators that call Python (segments, windows with Python contents)
    /// reads batches no larger than the smallest of their next calls: the task is back at its
    /// mailbox (timers, checkpoints) after one short call. Only the calls the source's records
    /// reach as they are count (through Python, watermark and SQL nodes, as
    /// <see cref="LinkSplitWatermarks"/> walks): a segment behind an operator that makes other
    /// records (a CEP operator's matches) cuts its own input, and until its first call its small
    /// first size held the source at 16 records a batch.
    /// </summary>
    private static void LinkCallLimit(ChainAssembly assembly, OperatorChain chain, Dictionary<StreamNode, SegmentBuilder> segments,
        Dictionary<StreamNode, StreamOperator> nativeOps, Dictionary<StreamEdge, StreamOperator> converters)
    {
        if (assembly.Source is not { } source)
            return;
        var sized = new HashSet<ICallSized>();
        var pending = new Stack<StreamNode>(chain.Nodes.Where(n => n.IsSource));
        var seen = new HashSet<StreamNode>();
        while (pending.TryPop(out var node))
        {
            if (!seen.Add(node))
                continue;
            foreach (var edge in node.Outputs)
            {
                if (!chain.Contains(edge.Target))
                    continue;
                if (converters.TryGetValue(edge, out var converter) && converter is ICallSized converting)
                    sized.Add(converting);
                var target = edge.Target;
                var op = target.IsPython ? segments[target].Operator : nativeOps[target];
                if (op is ICallSized calls)
                    sized.Add(calls);
                if (target.IsPython || target.IsWatermarks || target.IsSql)
                    pending.Push(target);
            }
        }

        if (sized.Count > 0)
        {
            var limits = sized.ToArray();
            source.ChainedCallLimit = () => limits.Min(o => o.RecordsPerCall);
        }
    }

    private static IBatchConsumer InputOf(StreamEdge edge, Dictionary<StreamNode, SegmentBuilder> segments, Dictionary<StreamNode, StreamOperator> nativeOps)
    {
        return edge.Target.IsPython
            ? new DeferredInput(segments[edge.Target], edge)
            : new ChainedInput(nativeOps[edge.Target], edge.TargetInput);
    }

    /// <summary>
    /// Whether records a C# node emits must pass through Python before their consumer reads
    /// them: for keys, partitions, encoding, pickling, timestamps, or printing Python records.
    /// </summary>
    private static bool NeedsPython(StreamEdge edge, ExitKeying keying) =>
        // A SQL operator emits what its SQL consumer reads (the planner sees to it); one that
        // emits Python records (to_data_stream) feeds DataStream operations as Python ones do.
        (!edge.Source.IsSql || edge.Source.Transformation.Sql.PythonRecords)
        && (keying != ExitKeying.None
        || FormatOf(edge.Target) is ExitFormat.Encoded or ExitFormat.Pickled or ExitFormat.Serialized
        || AssignsTimestamps(edge.Target)
        || (FormatOf(edge.Target) == ExitFormat.Printed && EmitsPythonRecords(edge.Source)));

    /// <summary>Whether a node's output batches hold Python objects (as opposed to native numbers or lines).</summary>
    internal static bool EmitsPythonRecords(StreamNode node) => node.Transformation.BodyCase switch
    {
        Transformation.BodyOneofCase.Source => node.Transformation.Source.KindCase == SourceSpec.KindOneofCase.Collection,
        Transformation.BodyOneofCase.Window => node.Transformation.Window.NativeAggregate == NativeWindowAggregate.NativeNone,
        Transformation.BodyOneofCase.Watermarks => AssignsTimestamps(node) || node.Inputs.Any(i => EmitsPythonRecords(i.Source)),
        Transformation.BodyOneofCase.Sql => node.Transformation.Sql.PythonRecords,
        Transformation.BodyOneofCase.Sink => false,
        _ => true,
    };

    /// <summary>A watermark node with a Python timestamp assigner: its input's records go through Python.</summary>
    private static bool AssignsTimestamps(StreamNode target) =>
        target.IsWatermarks && !target.Transformation.Watermarks.TimestampAssigner.IsEmpty;

    /// <summary>Keys travel where a hash edge spreads records, and always into a window or a pattern (their state and timers are keyed in C#).</summary>
    private static ExitKeying KeyingOf(StreamEdge edge) => edge.Partitioning switch
    {
        // Native records that already carry their keys (the benchmarks' generator's) need no key selector.
        Spec.Partitioning.Hash when edge.Function.IsEmpty => ExitKeying.None,
        Spec.Partitioning.Hash when edge.Target.Parallelism > 1 || edge.Target.IsKeyedNative => ExitKeying.KeySelector,
        Spec.Partitioning.Custom => ExitKeying.Partitioner,
        _ => ExitKeying.None,
    };

    internal static ExitFormat FormatOf(StreamNode target)
    {
        if (!target.IsSink)
            return ExitFormat.Records;
        return target.Transformation.Sink.KindCase switch
        {
            SinkSpec.KindOneofCase.Print => ExitFormat.Printed,
            SinkSpec.KindOneofCase.File => ExitFormat.Encoded,
            SinkSpec.KindOneofCase.Collect => ExitFormat.Pickled,
            SinkSpec.KindOneofCase.Kafka => ExitFormat.Serialized,
            _ => throw new PyStreamException($"'{target.Name}': unknown sink"),
        };
    }

    /// <summary>Feeds a segment entry; the segment operator exists only once every node is added.</summary>
    private sealed class DeferredInput(SegmentBuilder segment, StreamEdge edge) : IBatchConsumer
    {
        private readonly int _entry = segment.EntryOf(edge);

        public void Accept(Batch batch) => segment.Operator!.ProcessBatch(_entry, batch);

        public void AcceptWatermark(long watermark) => segment.Operator!.ProcessWatermark(_entry, watermark);

        public void AcceptWatermarkStatus(bool idle) => segment.Operator!.ProcessWatermarkStatus(_entry, idle);

        public void EndOfInput() => segment.Operator!.EndInput(_entry);
    }

    /// <summary>Collects the operations, entries and exits of one segment.</summary>
    private sealed class SegmentBuilder(string name)
    {
        private readonly List<StreamNode> _nodes = [];
        private readonly List<StreamEdge> _entries = [];
        private readonly List<(SegmentExit Exit, List<IBatchConsumer> Consumers)> _exits = [];

        public PythonSegmentOperator? Operator { get; private set; }

        public void Add(StreamNode node)
        {
            _nodes.Add(node);
            foreach (var edge in node.Inputs)
            {
                if (!_nodes.Contains(edge.Source))
                    AddEntry(edge);
            }
        }

        public void AddEntry(StreamEdge edge) => _entries.Add(edge);

        public int EntryOf(StreamEdge edge) => _entries.IndexOf(edge) is >= 0 and var i ? i : throw new InvalidOperationException($"{edge.Source} -> {edge.Target} is no entry of segment '{name}'");

        public List<IBatchConsumer> AddExit(StreamEdge edge, ExitKeying keying)
        {
            var from = _nodes.Contains(edge.Source) ? new PortRef(_nodes.IndexOf(edge.Source), edge.SourcePort) : PortRef.Entry(EntryOf(edge));
            var exit = new SegmentExit(from, FormatOf(edge.Target), keying, edge.Target.Id, edge.Function.Memory);
            var consumers = new List<IBatchConsumer>();
            _exits.Add((exit, consumers));
            return consumers;
        }

        public PythonSegmentOperator Build()
        {
            if (Operator is not null)
                return Operator;
            var operations = _nodes
                .Select(node => new SegmentOperation(node.Id, node.Inputs
                    .Select(edge => new SegmentInput(
                        _nodes.Contains(edge.Source) ? new PortRef(_nodes.IndexOf(edge.Source), edge.SourcePort) : PortRef.Entry(EntryOf(edge)),
                        edge.LogicalInput))
                    .ToList()))
                .ToList();
            var spec = new PythonSegmentSpec(operations, _entries.Count, _exits.Select(e => e.Exit).ToList());
            Operator = new PythonSegmentOperator(name, spec, _nodes.Select(n => n.StateKey).ToList());
            for (var i = 0; i < _exits.Count; i++)
                Operator.Outputs[i].AddRange(_exits[i].Consumers);
            return Operator;
        }
    }
}
