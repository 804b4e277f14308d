using PyStream.Sql.Ast;
using PyStream.Sql.Catalog;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>
/// Binds the select list and HAVING of a grouped query. Group expressions become key columns
/// and aggregate calls aggregate columns of the aggregate's output; their arguments are
/// computed by a projection over the input (group keys first). The output of the aggregate
/// is the keys, then <see cref="ExtraColumns"/> (a window's start, end and time), then one
/// column per aggregate call.
/// </summary>
internal sealed class Aggregation
{
    private readonly ExpressionBinder _input;
    private readonly List<BoundExpr> _keys = [];
    private readonly Dictionary<int, int> _extraByInput;

    /// <param name="extraByInput">Input columns (a window TVF's window_start ...) that are not keys but columns of the output after the keys.</param>
    public Aggregation(ExpressionBinder input, IEnumerable<SqlExpr> groupBy, IReadOnlyList<PlanField> extraColumns, Dictionary<int, int> extraByInput)
    {
        _input = input;
        ExtraColumns = extraColumns;
        _extraByInput = extraByInput;
        foreach (var expr in groupBy)
        {
            var bound = input.Bind(expr);
            if (bound is InputRef r && extraByInput.ContainsKey(r.Index))
                continue;
            if (!_keys.Contains(bound))
                _keys.Add(bound);
        }

        Projection.AddRange(_keys);
    }

    public IReadOnlyList<PlanField> ExtraColumns { get; }

    /// <summary>Grouped by a legacy group window: TUMBLE_START(...), HOP_END(...), SESSION_ROWTIME(...) name its columns.</summary>
    public bool LegacyWindow { get; init; }

    /// <summary>What the aggregate's input computes: the keys, then the aggregates' arguments and filters.</summary>
    public List<BoundExpr> Projection { get; } = [];

    public List<AggCall> Calls { get; } = [];

    public int KeyCount => _keys.Count;

    public IReadOnlyList<BoundExpr> Keys => _keys;

    public BoundExpr? TryGrouped(SqlExpr expr)
    {
        if (expr is FunctionCall f && Aggregates.IsAggregate(f.Name[^1].ToUpperInvariant()))
            return null;
        if (LegacyWindow && expr is FunctionCall auxiliary && AuxiliaryColumn(auxiliary.Name[^1].ToUpperInvariant()) is { } column)
            return new InputRef(_keys.Count + column, ExtraColumns[column].Type);
        BoundExpr bound;
        try
        {
            bound = _input.Bind(expr);
        }
        catch (SqlValidationException)
        {
            return null;
        }

        if (bound is InputRef r && _extraByInput.TryGetValue(r.Index, out var extra))
            return new InputRef(_keys.Count + extra, ExtraColumns[extra].Type);
        var key = _keys.IndexOf(bound);
        return key >= 0 ? new InputRef(key, _keys[key].Type) : null;
    }

    public BoundExpr Aggregate(FunctionCall call, string name) => Add(BindCall(call, name, _input, ProjectionIndex));

    /// <summary>
    /// An aggregate call as written: its arguments and FILTER condition bound over the input and
    /// given to <paramref name="column"/>, which returns the column that holds each; its result type.
    /// </summary>
    internal static AggCall BindCall(FunctionCall call, string name, ExpressionBinder input, Func<BoundExpr, int> column)
    {
        var args = new List<int>();
        var argTypes = new List<SqlType>();
        foreach (var arg in call.Args)
        {
            if (arg is StarExpr && name == "COUNT")
                continue;
            var bound = input.Bind(arg);
            args.Add(column(bound));
            argTypes.Add(bound.Type);
        }

        var filter = -1;
        if (call.Filter is not null)
        {
            var condition = input.Bind(call.Filter);
            if (condition.Type.Kind != SqlTypeKind.Boolean)
                throw new SqlValidationException($"FILTER expects a BOOLEAN condition, got {condition.Type}", call.Filter.Position);
            filter = column(condition);
        }

        SqlType type;
        try
        {
            type = Aggregates.ResultType(name, argTypes);
        }
        catch (SqlValidationException error) when (error.Position is null)
        {
            throw new SqlValidationException(error.Message.Replace("SQL validation error: ", "", StringComparison.Ordinal), call.Position);
        }

        return new AggCall(name, args, call.Distinct, filter, type, argTypes);
    }

    /// <summary>A call of a Python aggregate function (udaf): its arguments cast to its declared input types.</summary>
    public BoundExpr PythonAggregate(FunctionCall call, CatalogFunction function)
    {
        if (call.Distinct || call.Filter is not null)
            throw ExpressionBinder.Unsupported($"DISTINCT and FILTER on the Python aggregate function {function.Name}", call);
        var bound = PythonFunctions.Arguments(function, function.Python!, [.. call.Args.Select(_input.Bind)], call);
        var args = bound.Select(ProjectionIndex).ToArray();
        var type = PythonFunctions.ResultType(function.Python!, call);
        return Add(new AggCall(function.Name, args, Distinct: false, FilterArg: -1, type, bound.Select(b => b.Type).ToArray(), Python: true));
    }

    private InputRef Add(AggCall aggCall)
    {
        var index = Calls.IndexOf(aggCall);
        if (index < 0)
        {
            index = Calls.Count;
            Calls.Add(aggCall);
        }

        return new InputRef(_keys.Count + ExtraColumns.Count + index, aggCall.Type);
    }

    /// <summary>TUMBLE_START is the window's start, *_END its end, *_ROWTIME its time (end - 1 ms, a rowtime).</summary>
    private static int? AuxiliaryColumn(string name)
    {
        foreach (var window in (string[])["TUMBLE", "HOP", "SESSION"])
        {
            if (name == window + "_START")
                return 0;
            if (name == window + "_END")
                return 1;
            if (name == window + "_ROWTIME")
                return 2;
            if (name == window + "_PROCTIME")
                throw new SqlValidationException($"{name} is not supported yet");
        }

        return null;
    }

    private int ProjectionIndex(BoundExpr expr) => IndexOrAdd(Projection, expr);

    /// <summary>The position of <paramref name="expr"/> in a projection, added at the end when it is not there yet.</summary>
    internal static int IndexOrAdd(List<BoundExpr> projection, BoundExpr expr)
    {
        var index = projection.IndexOf(expr);
        if (index >= 0)
            return index;
        projection.Add(expr);
        return projection.Count - 1;
    }
}
