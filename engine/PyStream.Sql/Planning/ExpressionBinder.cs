using PyStream.Sql.Ast;
using PyStream.Sql.Catalog;
using PyStream.Sql.Expressions;
using PyStream.Sql.Functions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>
/// Binds an expression as written to a typed expression over a scope's columns. Operators and
/// functions are named as the function library knows them; BETWEEN, NOT IN, simple CASE and
/// the like are rewritten into the few forms it implements. With <paramref name="functions"/>,
/// user-defined functions of that catalog resolve too (as Flink orders them: temporary system
/// functions, then built-in ones, then the catalog's). With <paramref name="match"/>, what reads a
/// MATCH_RECOGNIZE's match (v.col, FIRST, LAST, PREV, ...) binds through it.
/// </summary>
internal sealed class ExpressionBinder(Scope scope, Aggregation? aggregation = null, SqlCatalog? functions = null, OverAggregation? over = null, MatchNavigator? match = null)
{
    public Scope Scope => scope;

    public BoundExpr Bind(SqlExpr expr)
    {
        if (aggregation is not null && aggregation.TryGrouped(expr) is { } grouped)
            return grouped;
        if (match?.TryBind(expr) is { } navigated)
            return navigated;
        return expr switch
        {
            NumericLiteral n => LiteralValues.Numeric(n),
            StringLiteral s => LiteralValues.String(s.Value),
            BooleanLiteral b => new Literal(b.Value, b.Value is null ? SqlType.Boolean : SqlType.Boolean.NotNull),
            NullLiteral => new Literal(null, SqlType.Null),
            BinaryLiteral b => new Literal(Convert.FromHexString(b.Hex), SqlType.Binary(Math.Max(1, b.Hex.Length / 2)).NotNull),
            TypedLiteral t => LiteralValues.Typed(t),
            IntervalLiteral i => LiteralValues.Interval(i),
            IdentifierExpr id => Identifier(id),
            BinaryExpr b => Call(OperatorName(b.Operator), b, Bind(b.Left), Bind(b.Right)),
            UnaryExpr { Operator: UnaryOperator.Plus } u => Bind(u.Operand),
            UnaryExpr { Operator: UnaryOperator.Negate, Operand: NumericLiteral n } => Negative(n),
            UnaryExpr u => Call(u.Operator == UnaryOperator.Not ? "NOT" : "NEGATE", u, Bind(u.Operand)),
            IsExpr i => Call(IsName(i), i, Bind(i.Operand)),
            BetweenExpr b => Between(b),
            InListExpr i => Negated(i.Negated, i, Call("IN", i, [Bind(i.Operand), .. i.Values.Select(Bind)])),
            LikeExpr l => Negated(l.Negated, l, Call(l.Similar ? "SIMILAR TO" : "LIKE", l, [Bind(l.Operand), Bind(l.Pattern), .. l.Escape is null ? [] : new[] { Bind(l.Escape) }])),
            CaseExpr c => Case(c),
            CastExpr c => Cast(c),
            FunctionCall f => Function(f),
            NiladicCall n => Call(n.Name.ToUpperInvariant(), n),
            ExtractExpr e => Call("EXTRACT", e, Unit(e.Unit), Bind(e.Source)),
            FloorCeilExpr f => Call(f.Ceil ? "CEIL" : "FLOOR", f, Bind(f.Operand), Unit(f.Unit)),
            SubstringExpr s => Call("SUBSTRING", s, [Bind(s.Operand), Bind(s.Start), .. s.Length is null ? [] : new[] { Bind(s.Length) }]),
            PositionExpr p => Call("POSITION", p, [Bind(p.Needle), Bind(p.Haystack), .. p.Start is null ? [] : new[] { Bind(p.Start) }]),
            TrimExpr t => Call("TRIM", t, new Literal((t.Side ?? TrimSide.Both).ToString().ToUpperInvariant(), SqlType.String.NotNull),
                t.Characters is null ? LiteralValues.String(" ") : Bind(t.Characters), Bind(t.Operand)),
            OverlayExpr o => Call("OVERLAY", o, [Bind(o.Operand), Bind(o.Replacement), Bind(o.Start), .. o.Length is null ? [] : new[] { Bind(o.Length) }]),
            TimeUnitExpr u => Unit(u.Unit),
            RowExpr r => Call("ROW", r, [.. r.Items.Select(Bind)]),
            ArrayExpr a => Call("ARRAY", a, [.. a.Items.Select(Bind)]),
            MapExpr m => Call("MAP", m, [.. m.KeysAndValues.Select(Bind)]),
            ItemExpr i => Call("ITEM", i, Bind(i.Target), Bind(i.Index)),
            FieldExpr f => Field(Bind(f.Target), f.Field, f),
            StarExpr s => throw new SqlValidationException("'*' is only allowed in a select list and in COUNT(*)", s.Position),
            SubqueryExpr or InQueryExpr or ExistsExpr => throw Unsupported("subqueries in expressions", expr),
            _ => throw Unsupported($"the expression {expr.GetType().Name}", expr),
        };
    }

    private BoundExpr Identifier(IdentifierExpr id)
    {
        var parts = id.Parts;
        if (parts.Count >= 2 && !scope.Fields.Any(f => f.Qualifier == parts[0]) && scope.Fields.Any(f => f.Name == parts[0]))
        {
            // `col.field` of a ROW column.
            BoundExpr target = Column([parts[0]], id);
            foreach (var field in parts.Skip(1))
                target = Field(target, field, id);
            return target;
        }

        if (parts.Count > 2)
        {
            BoundExpr target = Column([parts[0], parts[1]], id);
            foreach (var field in parts.Skip(2))
                target = Field(target, field, id);
            return target;
        }

        return Column(parts, id);
    }

    private BoundExpr Column(IReadOnlyList<string> name, SqlNode at)
    {
        if (aggregation is not null)
            throw new SqlValidationException($"Expression '{string.Join('.', name)}' is not being grouped", at.Position);
        var index = scope.Resolve(name, at);
        return new InputRef(index, scope.Fields[index].Type);
    }

    private static BoundExpr Field(BoundExpr target, string field, SqlNode at)
    {
        if (target.Type.Kind != SqlTypeKind.Row)
            throw new SqlValidationException($"'{field}' is not a field: the expression is of type {target.Type}, not a ROW", at.Position);
        var index = target.Type.Fields.ToList().FindIndex(f => f.Name == field);
        if (index < 0)
            throw new SqlValidationException($"the ROW has no field '{field}'{Suggestions.Hint(field, target.Type.Fields.Select(f => f.Name))}", at.Position);
        var type = target.Type.Fields[index].Type;
        return new CallExpr("FIELD", [target, new Literal(index, SqlType.Int.NotNull)], target.Type.Nullable ? type.AsNullable() : type);
    }

    /// <summary>-2147483648 is an INT literal, as it is in Java.</summary>
    private static Literal Negative(NumericLiteral n) => LiteralValues.Numeric(n with { Text = "-" + n.Text });

    private BoundExpr Between(BetweenExpr b)
    {
        var x = Bind(b.Operand);
        var low = Bind(b.Low);
        var high = Bind(b.High);
        var between = Call("AND", b, Call(">=", b, x, low), Call("<=", b, x, high));
        if (b.Symmetric)
            between = Call("OR", b, between, Call("AND", b, Call(">=", b, x, high), Call("<=", b, x, low)));
        return Negated(b.Negated, b, between);
    }

    private BoundExpr Negated(bool negated, SqlNode at, BoundExpr expr) => negated ? Call("NOT", at, expr) : expr;

    private BoundExpr Case(CaseExpr c)
    {
        var operands = new List<BoundExpr>();
        var operand = c.Operand is null ? null : Bind(c.Operand);
        foreach (var when in c.Whens)
        {
            var condition = operand is null ? Bind(when.Condition) : Call("=", when.Condition, operand, Bind(when.Condition));
            operands.Add(condition);
            operands.Add(Bind(when.Result));
        }

        operands.Add(c.Else is null ? new Literal(null, SqlType.Null) : Bind(c.Else));
        return Call("CASE", c, [.. operands]);
    }

    private BoundExpr Cast(CastExpr c)
    {
        var operand = Bind(c.Operand);
        try
        {
            var type = CastRules.CastType(operand.Type, TypeConverter.FromAst(c.Type), c.Try);
            return new CallExpr(c.Try ? "TRY_CAST" : "CAST", [operand], c.Type.ExplicitNull ? type.AsNullable() : type);
        }
        catch (SqlValidationException error) when (error.Position is null)
        {
            throw new SqlValidationException(error.Message.Replace("SQL validation error: ", "", StringComparison.Ordinal), c.Position);
        }
    }

    private BoundExpr Function(FunctionCall f)
    {
        var name = f.Name[^1].ToUpperInvariant();
        if (functions?.FindFunction(f.Name[^1]) is { } udaf && PythonFunctions.IsAggregateFunction(udaf) && (udaf.System || !Aggregates.IsAggregate(name)))
        {
            if (f.Over is not null)
                throw Unsupported("Python aggregate functions in OVER windows", f);
            return aggregation?.PythonAggregate(f, udaf)
                ?? throw new SqlValidationException($"aggregate function {udaf.Name} is not allowed here", f.Position);
        }

        if (Aggregates.IsAggregate(name))
        {
            if (f.Over is not null)
            {
                return over?.Aggregate(f, name)
                    ?? throw new SqlValidationException($"{name}(...) OVER is allowed only in the SELECT list of a query without GROUP BY", f.Position);
            }

            return aggregation?.Aggregate(f, name)
                ?? throw new SqlValidationException($"aggregate function {name} is not allowed here", f.Position);
        }

        if (f.Over is not null && QueryBinder.IsRankingFunction(name))
            throw new SqlValidationException($"{name}() OVER (...) is allowed only as an item of the select list of a query without GROUP BY: a Top-N or deduplication selects it AS rn in a subquery and filters it outside (WHERE rn <= N)", f.Position);
        if (f.Over is not null || f.Distinct || f.Filter is not null)
            throw new SqlValidationException($"{name} is not an aggregate function: DISTINCT, FILTER and OVER do not apply", f.Position);
        if (functions?.FindFunction(f.Name[^1]) is { } udf && (udf.System || !FunctionLibrary.IsScalarFunction(name)))
            return PythonFunctions.Call(udf, [.. f.Args.Select(Bind)], f);
        if (!FunctionLibrary.IsScalarFunction(name))
        {
            var known = FunctionLibrary.ScalarFunctionNames.Concat(Aggregates.Names).Concat(functions?.Functions.Select(u => u.Name) ?? []);
            throw new SqlValidationException($"No match found for function signature {name}(){Suggestions.Hint(name, known)}", f.Position);
        }

        return Call(name, f, [.. f.Args.Select(Bind)]);
    }

    private static Literal Unit(TimeUnit unit) => new(unit.ToString().ToUpperInvariant(), SqlType.String.NotNull);

    private static BoundExpr Call(string function, SqlNode at, params BoundExpr[] operands)
    {
        try
        {
            return new CallExpr(function, operands, FunctionLibrary.InferType(function, operands));
        }
        catch (SqlValidationException error) when (error.Position is null)
        {
            throw new SqlValidationException(error.Message.Replace("SQL validation error: ", "", StringComparison.Ordinal), at.Position);
        }
    }

    private static string IsName(IsExpr i) => (i.Test, i.Negated) switch
    {
        (IsTest.Null or IsTest.Unknown, false) => "IS NULL",
        (IsTest.Null or IsTest.Unknown, true) => "IS NOT NULL",
        (IsTest.True, false) => "IS TRUE",
        (IsTest.True, true) => "IS NOT TRUE",
        (IsTest.False, false) => "IS FALSE",
        _ => "IS NOT FALSE",
    };

    private static string OperatorName(BinaryOperator op) => op switch
    {
        BinaryOperator.Or => "OR",
        BinaryOperator.And => "AND",
        BinaryOperator.Equals => "=",
        BinaryOperator.NotEquals => "<>",
        BinaryOperator.LessThan => "<",
        BinaryOperator.GreaterThan => ">",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.IsDistinctFrom => "IS DISTINCT FROM",
        BinaryOperator.IsNotDistinctFrom => "IS NOT DISTINCT FROM",
        BinaryOperator.Plus => "+",
        BinaryOperator.Minus => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Modulo => "MOD",
        _ => "||",
    };

    public static SqlValidationException Unsupported(string what, SqlNode at) =>
        new($"{what} {(what.EndsWith('s') ? "are" : "is")} not supported yet", at.Position);
}
