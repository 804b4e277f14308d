using PyStream.Engine.Spec;
using PyStream.Sql.Catalog;
using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Physical;

/// <summary>
/// Chooses the operators of a logical plan (Flink's physical rules, the few that apply here):
/// adjacent filters and projections fuse into one compiled Calc, aggregates get a hash exchange
/// on their keys (or run at parallelism 1 without keys), sources and sinks go through
/// <see cref="ConnectorPlanner"/>.
/// </summary>
internal sealed partial class PhysicalPlanner(SqlSession session)
{
    private readonly List<PhysicalNode> _nodes = [];

    public SqlSession Session => session;

    public PhysicalPlan Plan(PlanNode root, Func<PhysicalPlanner, int, int> addSink)
    {
        addSink(this, Translate(root));
        return new PhysicalPlan(_nodes);
    }

    public int Add(string name, string kind, int parallelism, IEnumerable<PhysicalInput> inputs, Func<PyStream.Engine.Runtime.OperatorTarget, PyStream.Engine.Runtime.Operators.StreamOperator>? factory = null,
        SourceSpec? source = null, SinkSpec? sink = null, IReadOnlyList<SqlType>? outputTypes = null)
    {
        var node = new PhysicalNode
        {
            Index = _nodes.Count,
            Name = name,
            Kind = kind,
            Parallelism = parallelism,
            Factory = factory,
            Source = source,
            Sink = sink,
            OutputTypes = outputTypes ?? [],
        };
        node.Inputs.AddRange(inputs);
        _nodes.Add(node);
        return node.Index;
    }

    public PhysicalNode Node(int index) => _nodes[index];

    /// <summary>An edge from <paramref name="producer"/>: forward when the parallelism allows, else rebalanced.</summary>
    public PhysicalInput Forward(int producer) => new(producer, Partitioning.Auto);

    /// <summary>A hash edge on the producer's first <paramref name="keyCount"/> columns.</summary>
    public PhysicalInput Hash(int producer, int keyCount, int consumerParallelism, IReadOnlyList<SqlType> types) =>
        Hash(producer, Enumerable.Range(0, keyCount).ToArray(), consumerParallelism, types);

    /// <summary>A hash edge on the producer's <paramref name="columns"/> (of the producer's column <paramref name="types"/>).</summary>
    public PhysicalInput Hash(int producer, IReadOnlyList<int> columns, int consumerParallelism, IReadOnlyList<SqlType> types)
    {
        if (consumerParallelism > 1 || _nodes[producer].Parallelism > 1)
            _nodes[producer].OutputKeys = new RowKeys(columns, columns.Select(c => types[c]).ToArray());
        return new PhysicalInput(producer, Partitioning.Hash);
    }

    /// <summary>
    /// The edge into an operator partitioned by the producer's <paramref name="keys"/>: a hash edge; without keys,
    /// every row to the operator's one subtask (forward when the parallelisms match, rebalanced otherwise).
    /// </summary>
    private PhysicalInput Partitioned(int producer, IReadOnlyList<int> keys, int consumerParallelism, IReadOnlyList<SqlType> types) =>
        keys.Count == 0
            ? new PhysicalInput(producer, consumerParallelism == _nodes[producer].Parallelism ? Partitioning.Forward : Partitioning.Rebalance)
            : Hash(producer, keys, consumerParallelism, types);

    public int Translate(PlanNode node) => node switch
    {
        CalcNode { Input: CalcNode inner } outer => Translate(Fuse(outer, inner)),
        CalcNode c when PythonCalcSplit.HasPython(c) => Translate(PythonCalcSplit.Split(c)),
        PythonCalcNode p => PythonCalc(p),
        CorrelateNode c => PythonCorrelate(c),
        CalcNode c when IsIdentity(c) => Translate(c.Input),
        CalcNode { Input: JoinNode j } c when JoinProjectPushdown.Apply(c, j) is { } narrowed => Translate(narrowed),
        CalcNode { Input: RankNode r } c when RankProjectPushdown.Apply(c, r) is { } narrowed => Translate(narrowed),
        CalcNode c when PushDownEnabled && NexmarkPushDown.Rewrite(c) is { } pushed => Translate(pushed),
        CalcNode c => Calc(c),
        ScanNode s => ConnectorPlanner.Source(this, s),
        NexmarkScanNode n => ConnectorPlanner.NexmarkSource(this, n.Table, n.Projection, null, n.Types),
        ValuesNode v => Add("Values", "Values", 1, [], _ => new ValuesSourceOperator("Values", v.Rows, v.Types), outputTypes: v.Types),
        WatermarkNode w => Watermark(w),
        AggregateNode a when a.Aggregates.Any(c => c.Python) => PythonAggregate(a),
        AggregateNode a => Aggregate(a),
        WindowAggregateNode w => WindowAggregate(w),
        OverAggregateNode o => OverAggregate(o),
        RankNode r => Rank(r),
        WindowJoinNode w => WindowJoin(w),
        TemporalJoinNode t => TemporalJoin(t),
        JoinNode j => Join(j),
        MatchNode m => Match(m),
        UnionNode u => Add("Union", "Union", session.Parallelism, u.Branches.Select(b => Forward(Translate(b))).ToArray(), t => new UnionOperator("Union", t.Node.InputCount), outputTypes: u.Types),
        SortNode s => Sort(s),
        WindowTableNode w => WindowTable(w),
        _ => throw new SqlValidationException($"no operator for {node.GetType().Name} yet"),
    };

    private static bool IsIdentity(CalcNode c) =>
        c.Condition is null && c.Projections.Count == c.Input.Fields.Count
        && c.Projections.Select((p, i) => p is InputRef r && r.Index == i && r.Type.Equals(c.Input.Fields[i].Type)).All(x => x);

    private int Parallel => session.Parallelism;

    private bool PushDownEnabled => session.Configuration.GetValueOrDefault(NexmarkPushDown.EnabledKey, "true") != "false";

    private int Calc(CalcNode c)
    {
        var input = Translate(c.Input);
        var inputTypes = c.Input.Types;
        var parallelism = _nodes[input].Parallelism;
        var context = session.Context;
        var name = ExpressionText.Calc(c, context);
        return Add(name, "Calc", parallelism, [Forward(input)],
            t => new CalcOperator(name, CalcProgram.Compile(inputTypes, c.Condition, c.Projections, context), t.Node.InputCount), outputTypes: c.Types);
    }

    private int Watermark(WatermarkNode w)
    {
        var input = Translate(w.Input);
        var types = w.Input.Types;
        var interval = session.WatermarkIntervalMs;
        var idle = session.SourceIdleTimeoutMs;
        var batch = session.BatchMode;
        var context = session.Context;
        var rowtime = w.Input.Fields[w.RowtimeIndex].Name;
        return Add($"WatermarkAssigner(rowtime=[{rowtime}])", "WatermarkAssigner", _nodes[input].Parallelism, [Forward(input)],
            t => new WatermarkOperator($"WatermarkAssigner(rowtime=[{rowtime}])", CalcProgram.Compile(types, null, [w.Watermark], context), interval, idle, batch, t.Node.InputCount),
            outputTypes: types);
    }

    private int Aggregate(AggregateNode a)
    {
        var batch = session.BatchMode;
        var outputTypes = a.Types;
        var insertOnly = !a.Input.IsChangelog;
        return GroupAggregate(a, "GroupAggregate", (name, keys, inputCount) => new GroupAggOperator(name, keys, new AggregateCalls(a.Aggregates, insertOnly: insertOnly), outputTypes, batch, inputCount));
    }

    /// <summary>
    /// A GROUP BY operator named <paramref name="kind"/>(groupBy=[...], select=[...]): its input hashed by the
    /// key columns (the first ones), or all to one subtask without keys.
    /// </summary>
    private int GroupAggregate(AggregateNode a, string kind, Func<string, RowKeys, int, SqlOperator> create)
    {
        var input = Translate(a.Input);
        var keyCount = a.GroupKeys.Count;
        var parallelism = keyCount == 0 ? 1 : Parallel;
        var edge = Partitioned(input, Enumerable.Range(0, keyCount).ToArray(), parallelism, a.Input.Types);
        var keyTypes = a.Input.Types.Take(keyCount).ToArray();
        var name = $"{kind}(groupBy=[{Names(a.Output.Take(keyCount))}], select=[{Names(a.Output)}])";
        return Add(name, kind, parallelism, [edge], t => create(name, new RowKeys(Enumerable.Range(0, keyCount).ToArray(), keyTypes), t.Node.InputCount), outputTypes: a.Types);
    }

    private int WindowAggregate(WindowAggregateNode w)
    {
        var input = Translate(w.Input);
        var keyCount = w.GroupKeys.Count;
        var parallelism = keyCount == 0 ? 1 : Parallel;
        var inputTypes = w.Input.Types;
        var keyTypes = inputTypes.Take(keyCount).ToArray();
        var outputTypes = w.Types;
        var name = $"WindowAggregate(groupBy=[{Names(w.Output.Take(keyCount))}], window=[{w.Window.Kind.ToString().ToUpperInvariant()}], select=[{Names(w.Output)}])";
        var shiftZone = ShiftZone(w.Input.Fields[w.TimeIndex].Type);
        var edge = Partitioned(input, Enumerable.Range(0, keyCount).ToArray(), parallelism, inputTypes);
        var insertOnly = !w.Input.IsChangelog;
        return Add(name, "WindowAggregate", parallelism, [edge],
            t =>
            {
                // HOP and CUMULATE aggregate by slices when their aggregates merge (Flink's window slicing); otherwise per window.
                var keys = new RowKeys(Enumerable.Range(0, keyCount).ToArray(), keyTypes);
                var calls = new AggregateCalls(w.Aggregates, insertOnly: insertOnly);
                if (w.Window.Kind == WindowKind.Session)
                    return new SessionWindowAggOperator(name, keys, calls, w.Window, w.TimeIndex, outputTypes, t.Node.InputCount) { ShiftZone = shiftZone };
                return shiftZone is null && SlicedWindowAggOperator.Sliceable(w.Window, calls)
                    ? new SlicedWindowAggOperator(name, keys, calls, w.Window, w.TimeIndex, outputTypes, t.Node.InputCount)
                    : new WindowAggOperator(name, keys, calls, w.Window, w.TimeIndex, outputTypes, t.Node.InputCount) { ShiftZone = shiftZone };
            },
            outputTypes: outputTypes);
    }

    /// <summary>A window TVF's rows, each with its windows' bounds (Flink's WindowTableFunction).</summary>
    private int WindowTable(WindowTableNode w)
    {
        if (w.Window.Kind == WindowKind.Session)
            throw new SqlValidationException("SESSION windows must be aggregated by window_start and window_end: a session's bounds are known only when it closes");
        var input = Translate(w.Input);
        var shiftZone = ShiftZone(w.Input.Fields[w.TimeIndex].Type);
        var name = $"WindowTableFunction(window=[{w.Window.Kind.ToString().ToUpperInvariant()}], time=[{w.Input.Fields[w.TimeIndex].Name}])";
        return Add(name, "WindowTableFunction", _nodes[input].Parallelism, [Forward(input)],
            t => new WindowTableOperator(name, w.Window, w.TimeIndex, shiftZone, t.Node.InputCount), outputTypes: w.Types);
    }

    /// <summary>The zone windows over <paramref name="timeType"/> align to: the session's, for a TIMESTAMP_LTZ time column outside UTC.</summary>
    private TimeZoneInfo? ShiftZone(SqlType timeType) =>
        timeType.Kind == SqlTypeKind.TimestampLtz && session.Context.LocalTimeZone is { } zone && (zone.BaseUtcOffset != TimeSpan.Zero || zone.SupportsDaylightSavingTime)
            ? zone
            : null;

    private int Sort(SortNode s)
    {
        if (!session.BatchMode && s.Keys.Count > 0)
            throw new SqlValidationException("Sort on a non-time-attribute field is not supported in streaming mode: ORDER BY works in batch mode (EnvironmentSettings.in_batch_mode()); LIMIT alone works in both");
        var input = Translate(s.Input);
        var types = s.Types;
        var name = s.Keys.Count > 0 ? "SortLimit" : "Limit";
        return Add(name, name, 1, [new PhysicalInput(input, _nodes[input].Parallelism == 1 ? Partitioning.Forward : Partitioning.Rebalance)],
            t => new SortLimitOperator(name, s.Keys, s.Limit, s.Offset, types, t.Node.InputCount), outputTypes: types);
    }

    /// <summary>Two Calcs as one: the outer one's references replaced by the inner one's expressions.</summary>
    private static CalcNode Fuse(CalcNode outer, CalcNode inner)
    {
        BoundExpr Substitute(BoundExpr e) => e switch
        {
            InputRef r => inner.Projections[r.Index],
            CallExpr c => c with { Operands = c.Operands.Select(Substitute).ToArray() },
            PythonCallExpr p => p with { Operands = p.Operands.Select(Substitute).ToArray() },
            _ => e,
        };

        var condition = (inner.Condition, outer.Condition) switch
        {
            (null, null) => null,
            (var i, null) => i,
            (null, var o) => Substitute(o!),
            (var i, var o) => new CallExpr("AND", [i!, Substitute(o!)], i!.Type.Nullable || o!.Type.Nullable ? SqlType.Boolean : SqlType.Boolean.NotNull),
        };
        return new CalcNode(inner.Input, condition, outer.Projections.Select(Substitute).ToArray(), outer.Output);
    }

    internal static string Names(IEnumerable<PlanField> fields) => string.Join(", ", fields.Select(f => f.Name));
}
