using PyStream.Sql.Ast;
using PyStream.Sql.Expressions;

namespace PyStream.Sql.Planning;

// FROM with Python table functions: t, LATERAL TABLE(f(t.x)) AS T(a, b), t [LEFT] JOIN LATERAL TABLE(...) ON TRUE.
internal sealed partial class QueryBinder
{
    /// <summary>FROM's list: nothing (one row of no columns), one table, or a table and a LATERAL TABLE of a Python table function.</summary>
    private PlanNode FromList(IReadOnlyList<TableRef> from)
    {
        if (from.Count == 0)
            return OneEmptyRow();
        if (from.Count == 2 && PythonTableCall(from[1]) is { } call)
            return Correlate(From(from[0]), call, outer: false);
        if (from.Count > 1)
            throw ExpressionBinder.Unsupported("joins", from[1]);
        return From(from[0]);
    }

    private static ValuesNode OneEmptyRow() => new([[]], []);

    /// <summary>The table function reference when <paramref name="table"/> calls a Python table function of the catalog.</summary>
    private TableFunctionRef? PythonTableCall(TableRef table) =>
        table is TableFunctionRef t && catalog.FindFunction(t.Call.Name[^1]) is { } function && PythonFunctions.IsTableFunction(function) ? t : null;

    private PlanNode JoinLateral(JoinRef j, TableFunctionRef call)
    {
        if (j.Kind is not (JoinKind.Inner or JoinKind.Cross or JoinKind.Left))
            throw ExpressionBinder.Unsupported($"{j.Kind.ToString().ToUpperInvariant()} JOIN LATERAL TABLE (INNER and LEFT are supported)", j);
        if (j.Using is not null || (j.On is not null && j.On is not BooleanLiteral { Value: true }))
            throw new SqlValidationException("A join with LATERAL TABLE takes the condition ON TRUE; filter the function's rows in WHERE", (j.On ?? (SqlNode)j).Position);
        return Correlate(From(j.Left), call, outer: j.Kind == JoinKind.Left);
    }

    /// <summary>
    /// The input's rows, each joined with the rows the table function gives for it. Arguments that
    /// are not plain columns are computed into extra columns first, and dropped after.
    /// </summary>
    private PlanNode Correlate(PlanNode input, TableFunctionRef t, bool outer)
    {
        var function = catalog.FindFunction(t.Call.Name[^1])!;
        if (t.Call.Distinct || t.Call.Filter is not null || t.Call.Over is not null)
            throw new SqlValidationException($"{function.Name} is a table function: DISTINCT, FILTER and OVER do not apply", t.Call.Position);
        var binder = new ExpressionBinder(new Scope(input.Fields), functions: catalog);
        var call = PythonFunctions.TableCall(function, [.. t.Call.Args.Select(binder.Bind)], t.Call);

        var width = input.Fields.Count;
        var extra = call.Operands.Where(o => o is not InputRef).Distinct().ToList();
        var argumentsInput = input;
        if (extra.Count > 0)
        {
            argumentsInput = new CalcNode(input, null, [.. Identity(input), .. extra],
                [.. input.Fields, .. extra.Select((e, i) => new PlanField($"$arg{i}", e.Type))]);
            call = call with { Operands = call.Operands.Select(o => o is InputRef ? o : new InputRef(width + extra.IndexOf(o), o.Type)).ToArray() };
        }

        var resultFields = call.Type.Fields;
        var alias = t.Alias;
        if (alias is { Columns.Count: > 0 } && alias.Columns.Count != resultFields.Count)
            throw new SqlValidationException($"List of column aliases must have same degree as table; the table function {function.Name} has {resultFields.Count} columns, whereas alias list has {alias.Columns.Count} columns", alias.Position);
        var functionFields = resultFields.Select((f, i) => new PlanField(
            alias is { Columns.Count: > 0 } ? alias.Columns[i] : f.Name,
            outer ? f.Type.AsNullable() : f.Type,
            alias?.Name)).ToArray();

        PlanNode correlate = new CorrelateNode(argumentsInput, call, outer, [.. argumentsInput.Fields, .. functionFields]);
        if (extra.Count == 0)
            return correlate;
        var kept = Enumerable.Range(0, width).Concat(Enumerable.Range(width + extra.Count, functionFields.Length)).ToArray();
        return new CalcNode(correlate, null, kept.Select(i => (BoundExpr)new InputRef(i, correlate.Fields[i].Type)).ToArray(), [.. input.Fields, .. functionFields]);
    }
}
