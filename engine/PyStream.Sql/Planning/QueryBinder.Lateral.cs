using PyStream.Sql.Ast;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

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
        // A comma list is a chain of cross joins; WHERE's conditions then join the join (FilterIntoJoin).
        var joined = From(from[0]);
        foreach (var next in from.Skip(1))
        {
            var right = From(next);
            CheckRelationNames(joined, right, next);
            joined = MakeJoin(joined, right, JoinType.Inner, null, next);
        }

        return joined;
    }

    private static ValuesNode OneEmptyRow() => new([[]], []);

    /// <summary>The table function reference when <paramref name="table"/> calls a Python table function of the catalog.</summary>
    private TableFunctionRef? PythonTableCall(TableRef table)
    {
        if (table is not TableFunctionRef t || catalog.FindFunction(t.Call.Name[^1]) is not { Python: not null } function)
            return null;
        return PythonFunctions.IsTableFunction(function)
            ? t
            : throw new SqlValidationException($"Function '{function.Name}' is not a table function: LATERAL TABLE takes a udtf", t.Call.Position);
    }

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

    /// <summary>
    /// WHERE over a correlate: the conjuncts that read only the left side's columns filter its rows
    /// before the table function is called (Calcite's FilterCorrelateRule), so the function sees only
    /// rows that pass them; the others filter the joined rows. Null when the input is no correlate.
    /// </summary>
    private static PlanNode? FilterBelowCorrelate(PlanNode input, BoundExpr condition)
    {
        var (correlate, computedArguments) = input switch
        {
            CorrelateNode c => (c, false),
            CalcNode { Condition: null, Input: CorrelateNode c } => (c, true),
            _ => (null, false),
        };
        if (correlate is null)
            return null;
        var left = computedArguments ? (CalcNode)correlate.Input : null;
        var leftWidth = left?.Input.Fields.Count ?? correlate.Input.Fields.Count;
        var conjuncts = Conjuncts(condition).ToList();
        var below = conjuncts.Where(c => !References(c, leftWidth)).ToList();
        if (below.Count == 0)
            return null;
        var above = conjuncts.Except(below).ToList();
        var leftCondition = And(below);
        PlanNode filteredInput = left is null
            ? new CalcNode(correlate.Input, leftCondition, Identity(correlate.Input), correlate.Input.Fields)
            : left with { Input = new CalcNode(left.Input, leftCondition, Identity(left.Input), left.Input.Fields) };
        PlanNode result = correlate with { Input = filteredInput };
        if (computedArguments)
            result = ((CalcNode)input) with { Input = result };
        return above.Count == 0 ? result : new CalcNode(result, And(above), Identity(result), result.Fields);
    }

    private static IEnumerable<BoundExpr> Conjuncts(BoundExpr condition) =>
        condition is CallExpr { Function: "AND" } and ? and.Operands.SelectMany(Conjuncts) : [condition];

    private static BoundExpr And(IReadOnlyList<BoundExpr> conjuncts) =>
        conjuncts.Skip(1).Aggregate(conjuncts[0], (all, next) => new CallExpr("AND", [all, next], all.Type.Nullable || next.Type.Nullable ? SqlType.Boolean : SqlType.Boolean.NotNull));
}
