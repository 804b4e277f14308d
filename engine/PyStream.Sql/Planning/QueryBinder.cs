using PyStream.Engine.Records;
using PyStream.Sql.Ast;
using PyStream.Sql.Catalog;
using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Functions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>Binds a query to a logical plan: names resolved through the catalog and CTEs, types inferred.</summary>
internal sealed partial class QueryBinder(SqlCatalog catalog, SqlContext context)
{
    private readonly Stack<Dictionary<string, CommonTableExpr>> _ctes = new();

    public PlanNode Bind(QueryExpr query) => query switch
    {
        WithQuery w => With(w),
        SelectQuery s => Select(s),
        ValuesQuery v => Values(v),
        SetOperation s => SetOperation(s),
        OrderedQuery o => Ordered(o),
        _ => throw ExpressionBinder.Unsupported($"the query {query.GetType().Name}", query),
    };

    private PlanNode With(WithQuery w)
    {
        var scope = new Dictionary<string, CommonTableExpr>(StringComparer.Ordinal);
        foreach (var cte in w.Ctes)
            scope[cte.Name] = cte;
        _ctes.Push(scope);
        try
        {
            return Bind(w.Body);
        }
        finally
        {
            _ctes.Pop();
        }
    }

    private PlanNode Select(SelectQuery s)
    {
        var input = FromList(s.From);
        var inputBinder = new ExpressionBinder(new Scope(input.Fields), functions: catalog);
        var items = ExpandStars(s.Items, input.Fields);

        if (s.Where is not null)
        {
            var condition = Condition(inputBinder, s.Where, "WHERE");
            input = RankFilter(s, input, condition, items) ?? FilterBelowCorrelate(input, condition)
                ?? (FilterIntoJoin(input, condition, s.Where) is { } joined ? WindowJoins.Recognize(joined) : null) ?? new CalcNode(input, condition, Identity(input), input.Fields);
        }

        var grouped = s.GroupBy is { Count: > 0 } || s.Having is not null || items.Any(i => ContainsAggregate(i.Expr));
        PlanNode result = grouped ? Grouped(s, input, inputBinder, items)
            : items.Any(i => Contains(i.Expr, IsRankingCall)) ? Ranked(s, input, inputBinder, items)
            : items.Any(i => ContainsOver(i.Expr)) ? Over(s, input, inputBinder, items)
            : Project(input, inputBinder, items);
        if (s.Distinct)
            result = new AggregateNode(result, Enumerable.Range(0, result.Fields.Count).ToArray(), [], result.Fields);
        return result;
    }

    private PlanNode Project(PlanNode input, ExpressionBinder binder, IReadOnlyList<SelectItem> items)
    {
        var projections = items.Select(i => binder.Bind(i.Expr)).ToArray();
        return new CalcNode(input, null, projections, OutputFields(items, projections));
    }

    private PlanNode Grouped(SelectQuery s, PlanNode input, ExpressionBinder inputBinder, IReadOnlyList<SelectItem> items)
    {
        IReadOnlyList<SqlExpr> groupBy = s.GroupBy ?? SqlList<SqlExpr>.Empty;
        if (groupBy.Any(g => g is GroupingExpr))
            throw ExpressionBinder.Unsupported("GROUPING SETS, ROLLUP and CUBE", s);

        // The legacy group windows, GROUP BY TUMBLE(ts, INTERVAL ...): the same window aggregate as the TVFs.
        var legacy = groupBy.OfType<FunctionCall>().FirstOrDefault(f => LegacyWindowKind(f) is not null);
        if (legacy is not null)
        {
            input = LegacyWindow(input, legacy);
            inputBinder = new ExpressionBinder(new Scope(input.Fields), functions: catalog);
            groupBy = [.. groupBy.Where(g => !ReferenceEquals(g, legacy)), Column(LegacyStart, legacy), Column(LegacyEnd, legacy)];
        }

        // A window TVF grouped by its window_start and window_end is a window aggregate.
        var window = WindowOf(input);
        var extraByInput = new Dictionary<int, int>();
        IReadOnlyList<PlanField> extraColumns = [];
        if (window is not null)
        {
            var windowStart = window.Input.Fields.Count;
            var groupedColumns = groupBy.Select(g => inputBinder.Bind(g)).OfType<InputRef>().Select(r => r.Index).ToHashSet();
            if (groupedColumns.Contains(windowStart) && groupedColumns.Contains(windowStart + 1))
            {
                // Sessions are merged per group key, so the partition keys must be among them.
                if (window.PartitionKeys?.FirstOrDefault(k => !groupedColumns.Contains(k), -1) is >= 0 and var missing)
                    throw new SqlValidationException($"a SESSION window partitioned by {window.Input.Fields[missing].Name} must be grouped by it too: GROUP BY window_start, window_end, {string.Join(", ", window.PartitionKeys.Select(k => window.Input.Fields[k].Name))}", s.Position);

                extraColumns = window.Fields.Skip(windowStart).ToArray();
                for (var i = 0; i < 3; i++)
                    extraByInput[windowStart + i] = i;
            }
            else
            {
                window = null;
            }
        }

        var aggregation = new Aggregation(inputBinder, groupBy, extraColumns, extraByInput) { LegacyWindow = legacy is not null };
        var post = new ExpressionBinder(new Scope([]), aggregation, catalog);
        var projections = items.Select(i => post.Bind(i.Expr)).ToArray();
        var having = s.Having is null ? null : Condition(post, s.Having, "HAVING");

        if (aggregation.Calls.Any(c => c.Python))
        {
            if (aggregation.Calls.Any(c => !c.Python))
                throw ExpressionBinder.Unsupported("Python aggregate functions together with built-in aggregate functions in one GROUP BY", s);
            if (window is not null || legacy is not null)
                throw ExpressionBinder.Unsupported("Python aggregate functions in window aggregates", s);
        }

        var keyFields = aggregation.Keys.Select((k, i) => new PlanField(KeyName(groupBy, inputBinder, k, i), k.Type)).ToList();
        var aggFields = aggregation.Calls.Select((c, i) => new PlanField($"EXPR${i}", c.Type));
        PlanNode aggregate;
        if (window is not null)
        {
            if (aggregation.Projection.Concat([]).Any(e => References(e, window.Input.Fields.Count)))
                throw new SqlValidationException("window_start, window_end and window_time can only be grouped by in a window aggregate", s.Position);
            var timeIndex = aggregation.Projection.Count;
            var pre = new CalcNode(window.Input, null, [.. aggregation.Projection, new InputRef(window.TimeIndex, window.Input.Fields[window.TimeIndex].Type)],
                [.. aggregation.Projection.Select((e, i) => new PlanField($"$f{i}", e.Type)), window.Input.Fields[window.TimeIndex]]);
            aggregate = new WindowAggregateNode(pre, timeIndex, window.Window, Enumerable.Range(0, aggregation.KeyCount).ToArray(), aggregation.Calls,
                [.. keyFields, .. extraColumns, .. aggFields]);
        }
        else
        {
            var pre = new CalcNode(input, null, aggregation.Projection, aggregation.Projection.Select((e, i) => new PlanField($"$f{i}", Materialized(e.Type))).ToArray());
            aggregate = new AggregateNode(pre, Enumerable.Range(0, aggregation.KeyCount).ToArray(), aggregation.Calls, [.. keyFields.Select(f => f with { Type = Materialized(f.Type) }), .. aggFields]);
        }

        return new CalcNode(aggregate, having, projections, OutputFields(items, projections));
    }

    private const string LegacyStart = "w$start";
    private const string LegacyEnd = "w$end";

    private static IdentifierExpr Column(string name, SqlNode at) => new(new SqlList<string>([name])) { Position = at.Position };

    private static WindowKind? LegacyWindowKind(FunctionCall f) => f.Name[^1].ToUpperInvariant() switch
    {
        "TUMBLE" => WindowKind.Tumble,
        "HOP" => WindowKind.Hop,
        "SESSION" => WindowKind.Session,
        _ => null,
    };

    /// <summary>TUMBLE(ts, size), HOP(ts, slide, size), SESSION(ts, gap) in GROUP BY: the input with its windows' columns.</summary>
    private PlanNode LegacyWindow(PlanNode input, FunctionCall call)
    {
        var kind = LegacyWindowKind(call)!.Value;
        var name = kind.ToString().ToUpperInvariant();
        var expected = kind == WindowKind.Hop ? 3 : 2;
        if (call.Args.Count != expected)
            throw new SqlValidationException($"the group window {name} takes {expected} arguments: the time attribute and {(kind == WindowKind.Hop ? "the slide and the size" : kind == WindowKind.Tumble ? "the size" : "the gap")}", call.Position);
        if (call.Args[0] is not IdentifierExpr time)
            throw new SqlValidationException($"the first argument of {name} must be a time attribute column", call.Args[0].Position);
        var timeIndex = new Scope(input.Fields).Resolve(time.Parts, time);
        var timeType = input.Fields[timeIndex].Type;
        if (!timeType.IsTimeAttribute)
            throw new SqlValidationException($"The group window {name} requires '{string.Join('.', time.Parts)}' to be a time attribute (a rowtime column with a WATERMARK, or PROCTIME()), but it is {timeType}", time.Position);
        var window = kind switch
        {
            WindowKind.Tumble => new WindowDefinition(kind, ConstantMillis(call.Args[1]), 0, 0, 0),
            WindowKind.Hop => new WindowDefinition(kind, ConstantMillis(call.Args[2]), ConstantMillis(call.Args[1]), 0, 0),
            _ => new WindowDefinition(kind, 0, 0, ConstantMillis(call.Args[1]), 0),
        };
        var start = SqlType.Timestamp(3).NotNull;
        return new WindowTableNode(input, timeIndex, window, [
            .. input.Fields,
            new PlanField(LegacyStart, start),
            new PlanField(LegacyEnd, start),
            new PlanField("w$rowtime", start with { TimeAttribute = timeType.TimeAttribute }),
        ]);
    }

    private static bool References(BoundExpr expr, int firstWindowColumn) => expr switch
    {
        InputRef r => r.Index >= firstWindowColumn,
        CallExpr c => c.Operands.Any(o => References(o, firstWindowColumn)),
        PythonCallExpr p => p.Operands.Any(o => References(o, firstWindowColumn)),
        _ => false,
    };

    /// <summary>A rowtime column that goes through a regular aggregate is a plain timestamp after it.</summary>
    private static SqlType Materialized(SqlType type) => type.IsTimeAttribute ? type with { TimeAttribute = TimeAttribute.None } : type;

    private static string KeyName(IReadOnlyList<SqlExpr> groupBy, ExpressionBinder binder, BoundExpr key, int index)
    {
        foreach (var g in groupBy)
        {
            if (g is IdentifierExpr id && binder.Bind(g).Equals(key))
                return id.Parts[^1];
        }

        return $"$k{index}";
    }

    /// <summary>
    /// The window TVF a grouped query reads, through renames and filters: a filter on the TVF's
    /// input columns moves below the TVF (a filter on window_start and the like cannot).
    /// </summary>
    private static WindowTableNode? WindowOf(PlanNode input)
    {
        switch (input)
        {
            case WindowTableNode w:
                return w;
            case CalcNode c when c.Projections.Select((p, i) => p is InputRef r && r.Index == i).All(x => x) && c.Projections.Count == c.Input.Fields.Count:
                var window = WindowOf(c.Input);
                if (window is null || c.Condition is null)
                    return window;
                if (References(c.Condition, window.Input.Fields.Count))
                    return null;
                var filtered = new CalcNode(window.Input, c.Condition, Identity(window.Input), window.Input.Fields);
                return window with { Input = filtered };
            default:
                return null;
        }
    }

    private static BoundExpr Condition(ExpressionBinder binder, SqlExpr expr, string clause)
    {
        var condition = binder.Bind(expr);
        if (condition.Type.Kind is not (SqlTypeKind.Boolean or SqlTypeKind.Null))
            throw new SqlValidationException($"{clause} clause must be a condition, got an expression of type {condition.Type}", expr.Position);
        return condition;
    }

    private bool ContainsAggregate(SqlExpr expr) =>
        Contains(expr, f => f.Over is null && (Aggregates.IsAggregate(f.Name[^1].ToUpperInvariant())
                                               || (catalog.FindFunction(f.Name[^1]) is { } udf && PythonFunctions.IsAggregateFunction(udf))));

    /// <summary>Whether an expression calls a function that <paramref name="matches"/>, at any depth.</summary>
    private static bool Contains(SqlExpr expr, Func<FunctionCall, bool> matches) => Exists(expr, e => e is FunctionCall f && matches(f));

    /// <summary>Whether an expression or one of its operands, at any depth, <paramref name="matches"/>.</summary>
    private static bool Exists(SqlExpr expr, Func<SqlExpr, bool> matches)
    {
        bool Any(SqlExpr e) => Exists(e, matches);
        if (matches(expr))
            return true;
        return expr switch
        {
            FunctionCall f => f.Args.Any(Any),
            BinaryExpr b => Any(b.Left) || Any(b.Right),
            UnaryExpr u => Any(u.Operand),
            CastExpr c => Any(c.Operand),
            CaseExpr c => (c.Operand is not null && Any(c.Operand)) || c.Whens.Any(w => Any(w.Condition) || Any(w.Result)) || (c.Else is not null && Any(c.Else)),
            IsExpr i => Any(i.Operand),
            BetweenExpr b => Any(b.Operand) || Any(b.Low) || Any(b.High),
            InListExpr i => Any(i.Operand) || i.Values.Any(Any),
            LikeExpr l => Any(l.Operand) || Any(l.Pattern),
            _ => false,
        };
    }

    private static List<SelectItem> ExpandStars(IReadOnlyList<SelectItem> items, IReadOnlyList<PlanField> fields)
    {
        var expanded = new List<SelectItem>();
        foreach (var item in items)
        {
            if (item.Expr is not StarExpr star)
            {
                expanded.Add(item);
                continue;
            }

            var qualifier = star.Qualifier.Count > 0 ? star.Qualifier[^1] : null;
            var matching = fields.Where(f => qualifier is null ? !f.QualifiedOnly : f.Qualifier == qualifier).ToList();
            if (matching.Count == 0)
                throw new SqlValidationException($"Unknown identifier '{qualifier}'", star.Position);
            foreach (var f in matching)
                expanded.Add(new SelectItem(new IdentifierExpr(f.Qualifier is null ? new SqlList<string>([f.Name]) : new SqlList<string>([f.Qualifier, f.Name])) { Position = star.Position }));
        }

        return expanded;
    }

    /// <summary>Output names: the alias, a column's own name, else EXPR$i; duplicates get a number (a, a0), as Calcite does.</summary>
    private static PlanField[] OutputFields(IReadOnlyList<SelectItem> items, IReadOnlyList<BoundExpr> projections)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var fields = new PlanField[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var name = items[i].Alias ?? (items[i].Expr is IdentifierExpr id ? id.Parts[^1] : $"EXPR${i}");
            var unique = name;
            for (var n = 0; !used.Add(unique); n++)
                unique = name + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            fields[i] = new PlanField(unique, projections[i].Type);
        }

        return fields;
    }

    private static BoundExpr[] Identity(PlanNode node) => node.Fields.Select((f, i) => (BoundExpr)new InputRef(i, f.Type)).ToArray();

    private PlanNode From(TableRef from) => from switch
    {
        NamedTableRef n when n.SystemTimeAsOf is not null => throw new SqlValidationException("FOR SYSTEM_TIME AS OF belongs to the right side of a join: a JOIN versioned_table FOR SYSTEM_TIME AS OF left.rowtime ON ...", n.Position),
        NamedTableRef n => Aliased(Named(n.Name, n), n.Alias, n.Name[^1]),
        DerivedTableRef { Lateral: true } d => throw ExpressionBinder.Unsupported("LATERAL subqueries", d),
        DerivedTableRef d => Aliased(Bind(d.Query), d.Alias, null),
        TableFunctionRef t => Aliased(TableFunction(t), t.Alias, null),
        JoinRef j when PythonTableCall(j.Right) is { } call => JoinLateral(j, call),
        JoinRef { Right: NamedTableRef { SystemTimeAsOf: not null } } j => TemporalJoin(j),
        JoinRef j => WindowJoins.Recognize(Join(j)),
        UnnestRef u => throw ExpressionBinder.Unsupported("UNNEST", u),
        MatchRecognizeRef m => Aliased(MatchRecognize(m), m.Alias, null),
        _ => throw ExpressionBinder.Unsupported(from.GetType().Name, from),
    };

    private static PlanNode Aliased(PlanNode node, TableAlias? alias, string? defaultQualifier)
    {
        var qualifier = alias?.Name ?? defaultQualifier;
        var fields = node.Fields.Select(f => f with { Qualifier = qualifier }).ToArray();
        if (alias is { Columns.Count: > 0 })
        {
            if (alias.Columns.Count != fields.Length)
                throw new SqlValidationException($"List of column aliases must have same degree as table; table has {fields.Length} columns, whereas alias list has {alias.Columns.Count} columns", alias.Position);
            fields = fields.Select((f, i) => f with { Name = alias.Columns[i] }).ToArray();
        }

        return Rename(node, fields);
    }

    /// <summary>The same rows under other field names (a projection that computes nothing).</summary>
    private static PlanNode Rename(PlanNode node, IReadOnlyList<PlanField> fields) => node switch
    {
        CalcNode c => new CalcNode(c.Input, c.Condition, c.Projections, fields), // not `with`: the base's Fields would keep the old names
        _ => new CalcNode(node, null, Identity(node), fields),
    };

    public PlanNode Named(IReadOnlyList<string> name, SqlNode at)
    {
        if (name.Count == 1)
        {
            foreach (var scope in _ctes)
            {
                if (scope.TryGetValue(name[0], out var cte))
                {
                    var node = Bind(cte.Query);
                    return cte.Columns.Count > 0 ? Rename(node, node.Fields.Select((f, i) => f with { Name = cte.Columns[i] }).ToArray()) : node;
                }
            }
        }

        var found = catalog.Find(name)
            ?? throw new SqlValidationException($"Object '{string.Join('.', name)}' not found{Suggestions.Hint(name[^1], catalog.Names.Concat(_ctes.SelectMany(s => s.Keys)))}", at.Position);
        return found switch
        {
            CatalogTable table => TableSource(table),
            CatalogView view => ViewSource(view),
            _ => throw new SqlValidationException($"'{found.Name}' cannot be read", at.Position),
        };
    }

    private PlanNode ViewSource(CatalogView view)
    {
        var node = new QueryBinder(catalog, context).Bind(view.Query);
        return view.ColumnNames.Count > 0 ? Rename(node, node.Fields.Select((f, i) => f with { Name = view.ColumnNames[i] }).ToArray()) : node;
    }

    /// <summary>A table's rows: the connector's physical and metadata columns, the computed ones, then watermarks.</summary>
    public PlanNode TableSource(CatalogTable table)
    {
        var read = table.Columns.Where(c => c.Kind != ColumnKind.Computed).ToArray();
        var scan = new ScanNode(table, read.Select(c => new PlanField(c.Name, c.Type)).ToArray());
        PlanNode node = scan;
        if (table.Columns.Any(c => c.Kind == ColumnKind.Computed))
        {
            var binder = new ExpressionBinder(new Scope(scan.Fields));
            var projections = table.Columns.Select(c => c.Kind == ColumnKind.Computed
                ? binder.Bind(c.Expression!)
                : new InputRef(Array.FindIndex(read, r => r.Name == c.Name), c.Type)).ToArray();
            node = new CalcNode(scan, null, projections, table.Columns.Select(c => new PlanField(c.Name, c.Type)).ToArray());
        }

        if (table.WatermarkColumn is { } rowtime && !table.HasSourceWatermark)
        {
            var index = node.Fields.ToList().FindIndex(f => f.Name == rowtime);
            var watermark = new ExpressionBinder(new Scope(node.Fields)).Bind(table.WatermarkExpression!);
            node = new WatermarkNode(node, index, watermark);
        }

        return node;
    }

    private PlanNode TableFunction(TableFunctionRef t)
    {
        if (PythonTableCall(t) is not null)
            return Correlate(OneEmptyRow(), t, outer: false);
        var name = t.Call.Name[^1].ToUpperInvariant();
        var kind = name switch
        {
            "TUMBLE" => WindowKind.Tumble,
            "HOP" => WindowKind.Hop,
            "CUMULATE" => WindowKind.Cumulate,
            "SESSION" => WindowKind.Session,
            _ => throw ExpressionBinder.Unsupported($"the table function {name}", t),
        };
        var args = new WindowArguments(t.Call, kind);
        var table = args.Table;
        if (table.PartitionBy is { Count: > 0 } && kind != WindowKind.Session)
            throw new SqlValidationException($"PARTITION BY in the table argument belongs to SESSION windows; {name} windows take TABLE {string.Join('.', table.Name)} alone", table.Position);
        var input = Aliased(Named(table.Name, table), null, table.Name[^1]);
        var partitionKeys = (table.PartitionBy ?? SqlList<SqlExpr>.Empty).Select(p => p is IdentifierExpr column
            ? new Scope(input.Fields).Resolve(column.Parts, column)
            : throw new SqlValidationException($"SESSION's PARTITION BY takes columns of {string.Join('.', table.Name)}", p.Position)).ToArray();
        var timeIndex = new Scope(input.Fields).Resolve([args.TimeColumn], t);
        var timeType = input.Fields[timeIndex].Type;
        if (!timeType.IsTimeAttribute)
            throw new SqlValidationException($"The window function {name} requires the time column '{args.TimeColumn}' to be a time attribute (a rowtime column with a WATERMARK, or PROCTIME()), but it is {timeType}", t.Position);
        var window = args.Definition(e => ConstantMillis(e));
        var start = SqlType.Timestamp(3).NotNull;
        var windowTime = timeType.Kind == SqlTypeKind.TimestampLtz ? SqlType.TimestampLtz(3).NotNull : SqlType.Timestamp(3).NotNull;
        var fields = input.Fields.Select(f => f with { Qualifier = null }).Concat([
            new PlanField("window_start", start),
            new PlanField("window_end", start),
            new PlanField("window_time", windowTime with { TimeAttribute = timeType.TimeAttribute }),
        ]).ToArray();
        return new WindowTableNode(input, timeIndex, window, fields, partitionKeys);
    }

    private long ConstantMillis(SqlExpr expr)
    {
        var bound = new ExpressionBinder(new Scope([])).Bind(expr);
        if (bound.Type.Kind != SqlTypeKind.IntervalDayTime)
            throw new SqlValidationException($"a window size must be an INTERVAL of days to seconds, got {bound.Type}", expr.Position);
        var value = CalcProgram.Evaluate(bound, context);
        return value is long ms && ms > 0 ? ms : throw new SqlValidationException("a window size must be positive", expr.Position);
    }

    /// <summary>
    /// VALUES: each column of the least restrictive type of its values; in an INSERT, of the target
    /// columns' types (<paramref name="targetTypes"/>), as Calcite converts VALUES against the target row.
    /// </summary>
    public PlanNode Values(ValuesQuery v, IReadOnlyList<SqlType>? targetTypes = null)
    {
        var binder = new ExpressionBinder(new Scope([]));
        var rows = v.Rows.Select(r => r.Select(binder.Bind).ToArray()).ToArray();
        var width = rows[0].Length;
        if (rows.Any(r => r.Length != width))
            throw new SqlValidationException("Values passed to VALUES operator must have compatible types: rows of different lengths", v.Position);
        var types = targetTypes is not null && targetTypes.Count == width
            ? targetTypes.Select((t, c) => rows.All(r => CastRules.CanCast(r[c].Type, t)) ? t.AsNullable(rows.Any(r => r[c].Type.Nullable)) : CommonType(rows.Select(r => r[c].Type).ToArray(), v)).ToArray()
            : Enumerable.Range(0, width).Select(c => CommonType(rows.Select(r => r[c].Type).ToArray(), v)).ToArray();
        // Every cell in one program: compiling is the cost (milliseconds a delegate), not running it.
        var cells = rows.SelectMany(r => r.Select((e, c) => CastTo(e, types[c]))).ToArray();
        var computed = CalcProgram.Compile([], null, cells, context).Run(new RowBatch([], 1))!.Columns;
        var values = rows.Select((_, r) => Enumerable.Range(0, width).Select(c => computed[r * width + c].GetBoxed(0)).ToArray()).ToList();
        return new ValuesNode(values, types.Select((t, c) => new PlanField($"EXPR${c}", t)).ToArray());
    }

    /// <summary>The least restrictive type of several (as CASE's branches get), refusing types that have none.</summary>
    internal static SqlType CommonType(IReadOnlyList<SqlType> types, SqlNode at)
    {
        if (types.Count == 1)
            return types[0].Kind == SqlTypeKind.Null ? SqlType.Null : types[0];
        var operands = new List<BoundExpr>();
        foreach (var type in types.SkipLast(1))
        {
            operands.Add(new Literal(true, SqlType.Boolean.NotNull));
            operands.Add(new Literal(null, type));
        }

        operands.Add(new Literal(null, types[^1]));
        try
        {
            var common = FunctionLibrary.InferType("CASE", operands);
            return types.Any(t => t.Nullable) ? common.AsNullable() : common.NotNull;
        }
        catch (SqlValidationException)
        {
            throw new SqlValidationException($"Type mismatch: no common type for {string.Join(", ", types)}", at.Position);
        }
    }

    internal static BoundExpr CastTo(BoundExpr expr, SqlType type) =>
        expr.Type.Equals(type) || (expr.Type.SameRootAndParameters(type) && (type.Nullable || !expr.Type.Nullable))
            ? expr
            : new CallExpr("CAST", [expr], type);

    private PlanNode SetOperation(SetOperation s)
    {
        if (s.Operator != SetOperator.Union)
            throw ExpressionBinder.Unsupported(s.Operator == SetOperator.Intersect ? "INTERSECT" : "EXCEPT", s);
        var branches = new List<PlanNode>();
        Flatten(s, branches);
        var width = branches[0].Fields.Count;
        if (branches.Any(b => b.Fields.Count != width))
            throw new SqlValidationException("Column count mismatch in UNION ALL", s.Position);
        var types = Enumerable.Range(0, width).Select(c => CommonType(branches.Select(b => b.Fields[c].Type).ToArray(), s)).ToArray();
        var fields = branches[0].Fields.Select((f, c) => new PlanField(f.Name, types[c])).ToArray();
        var cast = branches.Select(b => b.Types.SequenceEqual(types)
            ? b
            : new CalcNode(b, null, b.Fields.Select((f, c) => CastTo(new InputRef(c, f.Type), types[c])).ToArray(), fields)).ToArray();
        PlanNode union = new UnionNode(cast);
        if (!s.All)
            union = new AggregateNode(union, Enumerable.Range(0, width).ToArray(), [], fields);
        return union;
    }

    private void Flatten(QueryExpr q, List<PlanNode> branches)
    {
        if (q is SetOperation { Operator: SetOperator.Union, All: true } u)
        {
            Flatten(u.Left, branches);
            Flatten(u.Right, branches);
            return;
        }

        branches.Add(Bind(q));
    }

    private PlanNode Ordered(OrderedQuery o)
    {
        var input = Bind(o.Body);
        var binder = new ExpressionBinder(new Scope(input.Fields));
        var keys = new List<SortKey>();
        foreach (var item in o.OrderBy)
        {
            var bound = item.Expr is NumericLiteral { Kind: NumericKind.Integer } n
                ? new InputRef(int.Parse(n.Text, System.Globalization.CultureInfo.InvariantCulture) - 1, SqlType.Null)
                : binder.Bind(item.Expr);
            if (bound is not InputRef r || r.Index < 0 || r.Index >= input.Fields.Count)
                throw ExpressionBinder.Unsupported("ORDER BY an expression that is not a column of the result", item);
            var descending = item.Direction == SortDirection.Descending;
            // Flink's default: NULLS FIRST ascending, NULLS LAST descending.
            var nullsFirst = item.Nulls == NullOrdering.Unspecified ? !descending : item.Nulls == NullOrdering.First;
            keys.Add(new SortKey(r.Index, descending, nullsFirst));
        }

        long? limit = o.Limit is null ? null : ConstantLong(o.Limit);
        var offset = o.Offset is null ? 0 : ConstantLong(o.Offset);
        return new SortNode(input, keys, limit, offset);
    }

    private long ConstantLong(SqlExpr expr)
    {
        var bound = new ExpressionBinder(new Scope([])).Bind(expr);
        return CalcProgram.Evaluate(bound, context) switch
        {
            int i when i >= 0 => i,
            long l when l >= 0 => l,
            _ => throw new SqlValidationException("LIMIT and OFFSET take a non-negative integer", expr.Position),
        };
    }
}
