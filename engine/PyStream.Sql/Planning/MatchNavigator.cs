using PyStream.Sql.Ast;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>
/// Binds what a DEFINE condition or a measure reads from the match: <c>v.col</c>, FIRST, LAST,
/// PREV, aggregates over a variable, CLASSIFIER(), MATCH_ROWTIME(), MATCH_PROCTIME(). Each becomes
/// a column after <paramref name="firstSlot"/> that the operator fills from the match before it
/// evaluates the compiled expression (<see cref="Navigations"/>, in column order). In a DEFINE
/// (<paramref name="defining"/> set) a column of the variable being defined, or an unqualified
/// one, is the current row's, as Flink reads them; PREV(col, n) is the n-th row before it in the
/// partial match (not in the partition), as Flink's LAST(*.col, n).
/// </summary>
internal sealed class MatchNavigator(IReadOnlyList<PlanField> input, IReadOnlyList<string> variables, string? defining, int firstSlot, PlanField order)
{
    private static readonly string[] MatchAggregates = ["COUNT", "SUM", "AVG", "MIN", "MAX"];

    public List<MatchNavigation> Navigations { get; } = [];

    /// <summary>The expression bound when it reads the match; null when it is an ordinary one.</summary>
    public BoundExpr? TryBind(SqlExpr expr) => expr switch
    {
        IdentifierExpr { Parts.Count: 2 } id when variables.Contains(id.Parts[0]) => Reference(NavigationKind.Last, id, 0),
        IdentifierExpr { Parts.Count: 2 } id when !input.Any(f => f.Name == id.Parts[0]) => throw UnknownVariable(id.Parts[0], id),
        IdentifierExpr { Parts.Count: 1 } id when defining is null => Reference(NavigationKind.Last, id, 0),
        FunctionCall f => Call(f),
        _ => null,
    };

    private BoundExpr? Call(FunctionCall f)
    {
        var name = f.Name[^1].ToUpperInvariant();
        if (f.Name.Count > 1 || f.Over is not null)
            return null;
        switch (name)
        {
            case "FIRST" or "LAST":
                RequireArguments(f, name, 1, 2);
                return Reference(name == "FIRST" ? NavigationKind.First : NavigationKind.Last, f.Args[0], f.Args.Count > 1 ? Offset(f.Args[1], name) : 0);
            case "PREV":
                RequireArguments(f, name, 1, 2);
                return Reference(NavigationKind.Last, f.Args[0], f.Args.Count > 1 ? Offset(f.Args[1], name) : 1);
            case "NEXT":
                throw new SqlValidationException("NEXT is not supported in MATCH_RECOGNIZE: Flink does not support physical offsets within partition; a condition reads the current row and the rows before it (PREV, FIRST, LAST)", f.Position);
            case "CLASSIFIER" or "MATCH_ROWTIME" or "MATCH_PROCTIME":
                RequireArguments(f, name, 0, 0);
                if (defining is not null)
                    throw new SqlValidationException($"{name}() is allowed in MEASURES, not in DEFINE", f.Position);
                return name switch
                {
                    "CLASSIFIER" => Slot(new MatchNavigation(NavigationKind.Classifier, null, -1, 0, SqlType.String.NotNull)),
                    "MATCH_ROWTIME" => MatchRowtime(f),
                    _ => Slot(new MatchNavigation(NavigationKind.MatchProctime, null, -1, 0, SqlType.TimestampLtz(3).NotNull with { TimeAttribute = TimeAttribute.Proctime })),
                };
            default:
                return MatchAggregates.Contains(name) ? Aggregate(f, name) : null;
        }
    }

    private BoundExpr MatchRowtime(FunctionCall f)
    {
        if (order.Type.TimeAttribute != TimeAttribute.Rowtime)
            throw new SqlValidationException($"MATCH_ROWTIME() needs a MATCH_RECOGNIZE ordered by a rowtime attribute; '{order.Name}' is {order.Type}", f.Position);
        return Slot(new MatchNavigation(NavigationKind.MatchRowtime, null, -1, 0, order.Type.NotNull));
    }

    private BoundExpr Aggregate(FunctionCall f, string name)
    {
        if (f.Distinct || f.Filter is not null)
            throw ExpressionBinder.Unsupported($"DISTINCT and FILTER in the aggregate {name} of MATCH_RECOGNIZE", f);
        RequireArguments(f, name, 1, 1);
        string? variable;
        var column = -1;
        var argTypes = new List<SqlType>();
        if (f.Args[0] is StarExpr star && name == "COUNT")
        {
            variable = star.Qualifier.Count == 0 ? null : Variable(star.Qualifier[^1], star);
        }
        else
        {
            (variable, column) = ColumnOf(f.Args[0], name);
            argTypes.Add(input[column].Type);
        }

        SqlType type;
        try
        {
            type = Aggregates.ResultType(name, argTypes);
        }
        catch (SqlValidationException error) when (error.Position is null)
        {
            throw new SqlValidationException(error.Message.Replace("SQL validation error: ", "", StringComparison.Ordinal), f.Position);
        }

        var call = new AggCall(name, column < 0 ? [] : [column], false, -1, type, argTypes);
        return Slot(new MatchNavigation(NavigationKind.Aggregate, variable, column, 0, type, call));
    }

    /// <summary>A column of one variable's rows (or of all rows), as navigation <paramref name="kind"/> at <paramref name="offset"/> reads it.</summary>
    private BoundExpr Reference(NavigationKind kind, SqlExpr target, int offset)
    {
        var (variable, column) = ColumnOf(target, kind.ToString().ToUpperInvariant());
        var type = input[column].Type;
        var current = defining is not null && kind == NavigationKind.Last && offset == 0 && (variable is null || variable == defining);
        if (current)
            return new InputRef(column, type);
        var plain = type.IsTimeAttribute ? type with { TimeAttribute = TimeAttribute.None } : type;
        return Slot(new MatchNavigation(kind, variable, column, offset, plain.AsNullable()));
    }

    private (string? Variable, int Column) ColumnOf(SqlExpr target, string function)
    {
        if (target is not IdentifierExpr { Parts.Count: 1 or 2 } id)
            throw new SqlValidationException($"{function} in MATCH_RECOGNIZE takes a column of a pattern variable (v.col) or a column, not an expression", target.Position);
        var variable = id.Parts.Count == 2 ? Variable(id.Parts[0], id) : null;
        return (variable, new Scope(input.Select(f => f with { Qualifier = null }).ToArray()).Resolve([id.Parts[^1]], id));
    }

    private string Variable(string name, SqlNode at) => variables.Contains(name) ? name : throw UnknownVariable(name, at);

    private SqlValidationException UnknownVariable(string name, SqlNode at) =>
        new($"'{name}' is not a pattern variable of MATCH_RECOGNIZE (PATTERN has {string.Join(", ", variables)})", at.Position);

    private InputRef Slot(MatchNavigation navigation)
    {
        var index = Navigations.IndexOf(navigation);
        if (index < 0)
        {
            index = Navigations.Count;
            Navigations.Add(navigation);
        }

        return new InputRef(firstSlot + index, navigation.Type);
    }

    private static int Offset(SqlExpr expr, string function) =>
        expr is NumericLiteral { Kind: NumericKind.Integer } n && int.TryParse(n.Text, out var offset) && offset >= 0
            ? offset
            : throw new SqlValidationException($"the offset of {function} must be a non-negative integer literal", expr.Position);

    private static void RequireArguments(FunctionCall f, string name, int min, int max)
    {
        if (f.Args.Count < min || f.Args.Count > max)
            throw new SqlValidationException($"Invalid number of arguments to function '{name}'. Was expecting {(min == max ? $"{min}" : $"{min} to {max}")} arguments", f.Position);
    }
}
