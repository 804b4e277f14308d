using System.Text.RegularExpressions;
using PyStream.Sql.Ast;
using PyStream.Sql.Parsing;
using PyStream.Sql.Printing;
using PyStream.Sql.Protocol;

namespace PyStream.Sql.TableApi;

/// <summary>
/// A table built with the Table API, as the SQL query that means the same: each operation is a
/// SELECT over its input (<c>where</c> a WHERE, <c>group_by(...).select(...)</c> a GROUP BY, a
/// group window the window table function TUMBLE/HOP/SESSION grouped by window_start and
/// window_end), so the binder, type inference and planner of SQL do the rest.
/// <para>
/// Each operation's query is checked when it is made (by <c>columnsOf</c>, the binder, which also
/// names the columns that <c>drop_columns</c>, <c>rename_columns</c> ... need): a refusal names
/// the Table API method whose operation it is.
/// </para>
/// </summary>
public sealed partial class TableQueryBuilder
{
    private const string WindowInput = "window_input";

    private readonly Func<QueryExpr, IReadOnlyList<string>> _columnsOf;
    private readonly Dictionary<QueryExpr, IReadOnlyList<string>> _columns = new(ReferenceEqualityComparer.Instance);

    public TableQueryBuilder(Func<QueryExpr, IReadOnlyList<string>> columnsOf)
    {
        ArgumentNullException.ThrowIfNull(columnsOf);
        _columnsOf = columnsOf;
    }

    /// <summary>The statement a Table API request stands for: the query, an INSERT of it, a temporary view of it, or its EXPLAIN.</summary>
    public SqlStatement Statement(TableRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = Query(request.Operation ?? throw new SqlValidationException("a Table API request without a table"));
        if (request.View.Count > 0)
            return new CreateViewStatement(SqlList.From(request.View), true, false, SqlList<string>.Empty, null, query);
        if (request.InsertInto.Count > 0)
            return new InsertStatement(SqlList.From(request.InsertInto), request.Overwrite, SqlList<string>.Empty, query);
        if (request.ExplainDetails.Count > 0)
            return new ExplainStatement(new QueryStatement(query), SqlList.From(request.ExplainDetails));
        return new QueryStatement(query);
    }

    public QueryExpr Query(TableOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var (method, query) = operation.KindCase switch
        {
            TableOperation.KindOneofCase.SqlQuery => ("TableEnvironment.sql_query", SqlParser.ParseQuery(operation.SqlQuery)),
            TableOperation.KindOneofCase.Path => ("TableEnvironment.from_path", SelectAll(new NamedTableRef(SqlList.From(operation.Path.Parts)))),
            TableOperation.KindOneofCase.Values => ("TableEnvironment.from_elements", Values(operation.Values)),
            TableOperation.KindOneofCase.Project => ("Table.select", Project(operation.Project)),
            TableOperation.KindOneofCase.Filter => ("Table.where", Filter(operation.Filter)),
            TableOperation.KindOneofCase.Aggregate => ("GroupedTable.select", Aggregate(operation.Aggregate)),
            TableOperation.KindOneofCase.WindowAggregate => ("WindowGroupedTable.select", WindowAggregate(operation.WindowAggregate)),
            TableOperation.KindOneofCase.Distinct => ("Table.distinct", SelectAll(Input(operation.Distinct)) with { Distinct = true }),
            TableOperation.KindOneofCase.UnionAll => ("Table.union_all", new SetOperation(SetOperator.Union, true, Query(operation.UnionAll.Left), Query(operation.UnionAll.Right))),
            TableOperation.KindOneofCase.Sort => ("Table.order_by", Sort(operation.Sort)),
            TableOperation.KindOneofCase.Columns => (ColumnsMethod(operation.Columns.Kind), Columns(operation.Columns)),
            TableOperation.KindOneofCase.Alias => ("Table.alias", Alias(operation.Alias)),
            TableOperation.KindOneofCase.LateralJoin => (operation.LateralJoin.Outer ? "Table.left_outer_join_lateral" : "Table.join_lateral", LateralJoin(operation.LateralJoin)),
            TableOperation.KindOneofCase.Join => (JoinMethod(operation.Join.Kind), Join(operation.Join)),
            _ => throw new SqlValidationException("a Table API table without an operation"),
        };
        Check(method, query, source: operation.KindCase == TableOperation.KindOneofCase.SqlQuery);
        return query;
    }

    private void Check(string method, QueryExpr query, bool source)
    {
        try
        {
            _columns[query] = _columnsOf(query);
        }
        catch (SqlValidationException e) when (!source)
        {
            // The query was made here, so the SQL positions of its message mean nothing to the user: the method does.
            throw new SqlValidationException($"{method}: {ValidationPrefix().Replace(e.Message, "")}");
        }
    }

    private IReadOnlyList<string> ColumnsOf(QueryExpr query) =>
        _columns.TryGetValue(query, out var columns) ? columns : _columns[query] = _columnsOf(query);

    /// <summary>The input as a table reference: a catalog table by its name, anything else as a subquery.</summary>
    private TableRef Input(TableOperation input) => From(input, Query(input));

    private static TableRef From(TableOperation input, QueryExpr query) =>
        input.KindCase == TableOperation.KindOneofCase.Path
            ? new NamedTableRef(SqlList.From(input.Path.Parts))
            : new DerivedTableRef(query, false, null);

    private static SelectQuery SelectAll(TableRef from) =>
        new(false, [new SelectItem(new StarExpr(SqlList<string>.Empty))], [from]);

    private QueryExpr Values(TableValues values)
    {
        var method = new TableExpressionConverter("TableEnvironment.from_elements");
        if (values.Rows.Count == 0)
            throw method.Refuse("no rows: PyStream needs at least one element to make a table of");
        // PyFlink's declared (or inferred) types, nullable unless NOT NULL, whatever the literals are.
        var types = values.ColumnTypes.Select(t => method.DataType(t) is var type && type.NotNull ? type : type with { ExplicitNull = true }).ToArray();
        var rows = values.Rows.Select((row, r) =>
        {
            if (row.Items.Count != values.ColumnNames.Count)
                throw method.Refuse($"element {r} has {row.Items.Count} fields, the schema {values.ColumnNames.Count} ({string.Join(", ", values.ColumnNames)})");
            return SqlList.From(row.Items.Select((item, c) =>
            {
                var value = method.Convert(item);
                return types.Length == 0 ? value : new CastExpr(value, types[c], false);
            }));
        });
        var table = new ValuesQuery(SqlList.From(rows));
        return SelectAll(new DerivedTableRef(table, false, new TableAlias("T", SqlList.From(values.ColumnNames))));
    }

    private QueryExpr Project(TableProjection project)
    {
        var from = Input(project.Input);
        var converter = new TableExpressionConverter("Table.select");
        return new SelectQuery(false, Items(converter, project.Items), [from]);
    }

    private QueryExpr Filter(TableFilter filter)
    {
        var from = Input(filter.Input);
        var condition = new TableExpressionConverter("Table.where").Convert(filter.Condition ?? throw new SqlValidationException("Table.where needs a condition"));
        return SelectAll(from) with { Where = condition };
    }

    /// <summary>SELECT * FROM input [LEFT] JOIN LATERAL TABLE(f(...)) AS T(names) ON TRUE [WHERE predicate].</summary>
    private QueryExpr LateralJoin(TableLateralJoin join)
    {
        var from = Input(join.Input);
        var method = new TableExpressionConverter(join.Outer ? "Table.left_outer_join_lateral" : "Table.join_lateral");
        if (method.Convert(join.Call ?? throw method.Refuse("a table function call is needed")) is not FunctionCall call)
            throw method.Refuse("the first argument must be a table function's call, such as split(col('s'))");
        var condition = join.Condition is null ? null : method.Convert(join.Condition);
        if (join.Outer && condition is not null && condition is not BooleanLiteral { Value: true })
            throw method.Refuse("the join predicate of a left outer join with a table function can only be lit(True)");
        var alias = new TableAlias(LateralAlias, SqlList.From(join.ColumnNames));
        var lateral = new JoinRef(join.Outer ? JoinKind.Left : JoinKind.Inner, from, new TableFunctionRef(call, Lateral: true, alias), new BooleanLiteral(true));
        return SelectAll(lateral) with { Where = join.Outer ? null : condition };
    }

    private static string JoinMethod(TableJoin.Types.Kind kind) => kind switch
    {
        TableJoin.Types.Kind.LeftOuter => "Table.left_outer_join",
        TableJoin.Types.Kind.RightOuter => "Table.right_outer_join",
        TableJoin.Types.Kind.FullOuter => "Table.full_outer_join",
        _ => "Table.join",
    };

    /// <summary>
    /// SELECT * FROM left [LEFT|RIGHT|FULL] JOIN right ON predicate (CROSS JOIN without one). As in
    /// Flink, the two tables' column names must differ, so a name in the predicate means one column.
    /// </summary>
    private QueryExpr Join(TableJoin join)
    {
        var method = new TableExpressionConverter(JoinMethod(join.Kind));
        var left = Query(join.Left ?? throw method.Refuse("the left table is missing"));
        var right = Query(join.Right ?? throw method.Refuse("the right table is missing"));
        var shared = ColumnsOf(left).Intersect(ColumnsOf(right), StringComparer.Ordinal).ToList();
        if (shared.Count > 0)
            throw method.Refuse($"both tables have the column{(shared.Count > 1 ? "s" : "")} {string.Join(", ", shared)}; rename one side's first (alias, rename_columns), as Flink requires");
        var kind = join.Kind switch
        {
            TableJoin.Types.Kind.LeftOuter => JoinKind.Left,
            TableJoin.Types.Kind.RightOuter => JoinKind.Right,
            TableJoin.Types.Kind.FullOuter => JoinKind.Full,
            _ => JoinKind.Inner,
        };
        var condition = join.Condition is null ? null : method.Convert(join.Condition);
        if (condition is null && kind is JoinKind.Right or JoinKind.Full)
            throw method.Refuse("a right or full outer join needs a join predicate");
        if (condition is null && kind == JoinKind.Left)
            condition = new BooleanLiteral(true); // every pair, and the left rows of an empty right table padded
        var joined = new JoinRef(condition is null ? JoinKind.Cross : kind, From(join.Left, left), From(join.Right, right), condition);
        return SelectAll(joined);
    }

    /// <summary>The table name of a lateral join's function columns, which Table API expressions never name.</summary>
    private const string LateralAlias = "LateralTable$";

    private QueryExpr Aggregate(TableAggregation aggregate)
    {
        var from = Input(aggregate.Input);
        var keys = new TableExpressionConverter("Table.group_by");
        var select = new TableExpressionConverter("GroupedTable.select");
        return new SelectQuery(false, Items(select, aggregate.Items), [from], GroupBy: SqlList.From(aggregate.GroupKeys.Select(keys.Convert)));
    }

    private QueryExpr WindowAggregate(TableWindowAggregation aggregate)
    {
        var window = aggregate.Window ?? throw new SqlValidationException("Table.window needs a group window");
        var windowMethod = new TableExpressionConverter("Table.window");
        if (window.Alias.Length == 0)
            throw windowMethod.Refuse("the group window needs an alias: Tumble.over(...).on(...).alias('w')");
        if (window.TimeField?.KindCase != TableExpression.KindOneofCase.Field)
            throw windowMethod.Refuse("the group window needs its time attribute: .on(col('ts'))");
        var keys = aggregate.GroupKeys.Where(k => k.KindCase != TableExpression.KindOneofCase.Field || k.Field != window.Alias).ToList();
        var keyMethod = new TableExpressionConverter("WindowedTable.group_by", window.Alias);
        if (keys.Count == aggregate.GroupKeys.Count)
            throw keyMethod.Refuse($"the keys must include the window alias: group_by(col('{window.Alias}'), ...)");

        var input = Query(aggregate.Input);
        var tableName = aggregate.Input.KindCase == TableOperation.KindOneofCase.Path ? SqlList.From(aggregate.Input.Path.Parts) : [WindowInput];
        var keyExprs = SqlList.From(keys.Select(keyMethod.Convert));
        var table = new TableArgument(tableName, window.Kind == TableGroupWindow.Types.Kind.Session && keyExprs.Count > 0 ? keyExprs : null);
        var descriptor = new DescriptorExpr([window.TimeField.Field]);
        var size = windowMethod.Convert(window.Size ?? throw windowMethod.Refuse("the group window needs its size: .over(lit(10).minutes)"));
        var call = window.Kind switch
        {
            TableGroupWindow.Types.Kind.Tumble => new FunctionCall(["TUMBLE"], [table, descriptor, size]),
            TableGroupWindow.Types.Kind.Slide => new FunctionCall(["HOP"], [table, descriptor, windowMethod.Convert(window.Slide ?? throw windowMethod.Refuse("a Slide window needs .every(...)")), size]),
            _ => new FunctionCall(["SESSION"], [table, descriptor, size]),
        };
        var select = new TableExpressionConverter("WindowGroupedTable.select", window.Alias);
        SqlList<SqlExpr> groupBy = [new IdentifierExpr(["window_start"]), new IdentifierExpr(["window_end"]), .. keyExprs];
        var query = new SelectQuery(false, Items(select, aggregate.Items), [new TableFunctionRef(call, false, null)], GroupBy: groupBy);
        return aggregate.Input.KindCase == TableOperation.KindOneofCase.Path
            ? query
            : new WithQuery([new CommonTableExpr(WindowInput, SqlList<string>.Empty, input)], query);
    }

    private QueryExpr Sort(TableSort sort)
    {
        // order_by(...).offset(n).fetch(m) arrives as nested sorts: the later ones only add a limit or an offset.
        var order = sort.Order;
        var input = sort.Input;
        var offset = sort.Offset;
        var fetch = sort.Fetch;
        while (input.KindCase == TableOperation.KindOneofCase.Sort && input.Sort.Fetch < 0 && (order.Count == 0 || input.Sort.Order.Count == 0))
        {
            var inner = input.Sort;
            if (order.Count == 0)
                order = inner.Order;
            offset = offset >= 0 ? Math.Max(inner.Offset, 0) + offset : inner.Offset;
            input = inner.Input;
        }

        var converter = new TableExpressionConverter("Table.order_by");
        var items = SqlList.From(order.Select(e => OrderItem(converter, e)));
        return new OrderedQuery(SelectAll(Input(input)), items, fetch >= 0 ? Count(fetch) : null, offset >= 0 ? Count(offset) : null);
    }

    private static NumericLiteral Count(long value) => new(value.ToString(System.Globalization.CultureInfo.InvariantCulture), NumericKind.Integer);

    private static OrderItem OrderItem(TableExpressionConverter converter, TableExpression expression)
    {
        var nulls = NullOrdering.Unspecified;
        if (expression.KindCase == TableExpression.KindOneofCase.Call && expression.Call.Name is "nulls_first" or "nulls_last" && expression.Call.Args.Count == 1)
        {
            nulls = expression.Call.Name == "nulls_first" ? NullOrdering.First : NullOrdering.Last;
            expression = expression.Call.Args[0];
        }

        if (expression.KindCase == TableExpression.KindOneofCase.Call && expression.Call.Name is "asc" or "desc" && expression.Call.Args.Count == 1)
        {
            var direction = expression.Call.Name == "asc" ? SortDirection.Ascending : SortDirection.Descending;
            return new OrderItem(converter.Convert(expression.Call.Args[0]), direction, nulls);
        }

        return new OrderItem(converter.Convert(expression), SortDirection.Unspecified, nulls);
    }

    private static string ColumnsMethod(TableColumns.Types.Kind kind) => kind switch
    {
        TableColumns.Types.Kind.Add => "Table.add_columns",
        TableColumns.Types.Kind.AddOrReplace => "Table.add_or_replace_columns",
        TableColumns.Types.Kind.Drop => "Table.drop_columns",
        _ => "Table.rename_columns",
    };

    private QueryExpr Columns(TableColumns columns)
    {
        var input = Query(columns.Input);
        var from = From(columns.Input, input);
        var existing = ColumnsOf(input);
        var converter = new TableExpressionConverter(ColumnsMethod(columns.Kind));
        var items = columns.Items.Select(converter.Item).ToList();
        var names = items.Select(i => i.Alias ?? (i.Expr is IdentifierExpr id ? id.Parts[^1] : null)).ToList();
        List<SelectItem> selected;
        switch (columns.Kind)
        {
            case TableColumns.Types.Kind.Add:
                foreach (var name in names.Where(n => n is not null && existing.Contains(n)))
                    throw converter.Refuse($"the column '{name}' exists already; add_or_replace_columns replaces columns");
                selected = [new SelectItem(new StarExpr(SqlList<string>.Empty)), .. items];
                break;
            case TableColumns.Types.Kind.AddOrReplace:
                selected = existing.Select(c => names.LastIndexOf(c) is var at and >= 0 ? items[at] with { Alias = c } : Column(c)).ToList();
                selected.AddRange(items.Where((item, i) => names[i] is null || !existing.Contains(names[i]!)));
                break;
            case TableColumns.Types.Kind.Drop:
                foreach (var item in items)
                {
                    if (item.Alias is not null || item.Expr is not IdentifierExpr id || !existing.Contains(id.Parts[^1]))
                        throw converter.Refuse($"{Describe(item)} is not a column of the table ({string.Join(", ", existing)})");
                }

                selected = existing.Where(c => !names.Contains(c)).Select(Column).ToList();
                if (selected.Count == 0)
                    throw converter.Refuse("dropping every column leaves no table");
                break;
            default:
                var renames = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var item in items)
                {
                    if (item.Alias is null || item.Expr is not IdentifierExpr id || !existing.Contains(id.Parts[^1]))
                        throw converter.Refuse($"{Describe(item)} is not a column renamed with alias: col('a').alias('b'), a column of ({string.Join(", ", existing)})");
                    renames[id.Parts[^1]] = item.Alias;
                }

                selected = existing.Select(c => renames.TryGetValue(c, out var to) ? Column(c) with { Alias = to } : Column(c)).ToList();
                break;
        }

        return new SelectQuery(false, SqlList.From(selected), [from]);
    }

    private QueryExpr Alias(TableColumnAliases alias)
    {
        var input = Query(alias.Input);
        var existing = ColumnsOf(input);
        if (alias.Names.Count > existing.Count)
            throw new SqlValidationException($"Table.alias: {alias.Names.Count} names for {existing.Count} columns ({string.Join(", ", existing)})");
        var items = existing.Select((c, i) => i < alias.Names.Count ? Column(c) with { Alias = alias.Names[i] } : Column(c));
        return new SelectQuery(false, SqlList.From(items), [From(alias.Input, input)]);
    }

    private static SelectItem Column(string name) => new(new IdentifierExpr([name]));

    private static string Describe(SelectItem item) => item.Alias is null ? item.Expr.ToSql() : $"{item.Expr.ToSql()} AS {item.Alias}";

    private static SqlList<SelectItem> Items(TableExpressionConverter converter, IEnumerable<TableExpression> items)
    {
        var list = SqlList.From(items.Select(converter.Item));
        return list.Count > 0 ? list : throw converter.Refuse("select needs at least one expression");
    }

    [GeneratedRegex(@"^SQL validation error( at line \d+, column \d+)?: ")]
    private static partial Regex ValidationPrefix();
}
