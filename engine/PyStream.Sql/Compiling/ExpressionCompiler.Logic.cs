using System.Linq.Expressions;
using PyStream.Sql.Functions;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Compiling;

/// <summary>Three-valued logic, comparisons, CASE and the NULL functions, each short-circuiting like Flink's generated code.</summary>
internal sealed partial class ExpressionCompiler
{
    private static readonly Expression True = Expression.Constant(true);
    private static readonly Expression False = Expression.Constant(false);

    private CompiledValue Call(CallExpr call, List<Expression> block)
    {
        var operands = call.Operands;
        switch (call.Function)
        {
            case "AND" or "OR":
                return operands.Skip(1).Aggregate(Boolean(Compile(operands[0], block)),
                    (left, right) => AndOr(call.Function == "AND", left, right, block));
            case "NOT":
            {
                var x = Boolean(Compile(operands[0], block));
                return x.AlwaysNull ? x : new(Store(Expression.Not(x.Value), block), x.IsNull);
            }

            case "IS NULL" or "IS NOT NULL" or "IS TRUE" or "IS NOT TRUE" or "IS FALSE" or "IS NOT FALSE":
                var tested = Compile(operands[0], block);
                return new(Store(Is(call.Function, call.Function.EndsWith("NULL", StringComparison.Ordinal) ? tested : Boolean(tested)), block), null);
            case "=" or "<>" or "<" or ">" or "<=" or ">=":
                return Strict(call, block, args => Comparison(call.Function, args[0], operands[0].Type, args[1], operands[1].Type));
            case "IS DISTINCT FROM" or "IS NOT DISTINCT FROM":
                return Distinct(call.Function == "IS DISTINCT FROM", Compile(operands[0], block), operands[0].Type, Compile(operands[1], block), operands[1].Type, block);
            case "IN":
                return In(call, block);
            case "CASE":
                return Case(call, block);
            case "IF":
                return Case(call with { Function = "CASE" }, block);
            case "COALESCE" or "IFNULL":
                return Coalesce(call, block);
            case "NULLIF":
                return NullIf(call, block);
            default:
                return Function(call, block);
        }
    }

    /// <summary>An untyped NULL (type NULL, CLR object) where a BOOLEAN is expected becomes a BOOLEAN NULL.</summary>
    private static CompiledValue Boolean(CompiledValue value) =>
        value.Value.Type == typeof(bool) ? value : new(False, True);

    private ParameterExpression Store(Expression value, List<Expression> block)
    {
        var variable = Variable(value.Type, "b");
        block.Add(Expression.Assign(variable, value));
        return variable;
    }

    /// <summary>
    /// a AND b: FALSE if either is FALSE, else NULL if either is NULL, else TRUE; b is not computed when a
    /// is FALSE. OR is the dual.
    /// </summary>
    private CompiledValue AndOr(bool and, CompiledValue a, BoundExpr b, List<Expression> block)
    {
        var value = Variable(typeof(bool), and ? "and" : "or");
        var isNull = Variable(typeof(bool), "n");
        var decisive = Expression.Constant(!and);

        // a decides alone when it is not null and equals the decisive value (FALSE for AND, TRUE for OR).
        var aDecides = a.IsNull is null ? (Expression)Expression.Equal(a.Value, decisive) : Expression.AndAlso(Expression.Not(a.IsNull), Expression.Equal(a.Value, decisive));
        var inner = new List<Expression>();
        var right = Boolean(Compile(b, inner));
        var bDecides = right.IsNull is null ? (Expression)Expression.Equal(right.Value, decisive) : Expression.AndAlso(Expression.Not(right.IsNull), Expression.Equal(right.Value, decisive));
        var eitherNull = AnyNull([a, right]) ?? False;
        inner.Add(Expression.IfThenElse(bDecides,
            Expression.Block(Expression.Assign(value, decisive), Expression.Assign(isNull, False)),
            Expression.Block(Expression.Assign(value, Expression.Constant(and)), Expression.Assign(isNull, eitherNull))));
        block.Add(Expression.IfThenElse(aDecides,
            Expression.Block(Expression.Assign(value, decisive), Expression.Assign(isNull, False)),
            Expression.Block(inner)));
        return new(value, isNull);
    }

    private static Expression Is(string test, CompiledValue x)
    {
        var isNull = x.IsNull ?? False;
        return test switch
        {
            "IS NULL" => isNull,
            "IS NOT NULL" => Expression.Not(isNull),
            "IS TRUE" => Expression.AndAlso(Expression.Not(isNull), x.Value),
            "IS NOT TRUE" => Expression.OrElse(isNull, Expression.Not(x.Value)),
            "IS FALSE" => Expression.AndAlso(Expression.Not(isNull), Expression.Not(x.Value)),
            _ => Expression.OrElse(isNull, x.Value),
        };
    }

    /// <summary>a op b of non-null values of comparable types: numbers in their common type, strings by code unit.</summary>
    private static Expression Comparison(string op, Expression a, SqlType aType, Expression b, SqlType bType)
    {
        if (aType.Kind == SqlTypeKind.Null)
            aType = bType;
        if (bType.Kind == SqlTypeKind.Null)
            bType = aType;
        Expression left = a, right = b;
        if (aType.IsNumeric && bType.IsNumeric)
        {
            var common = TypeMerging.NumericCommon(aType, bType).ClrType;
            if (common == typeof(sbyte) || common == typeof(short))
                common = typeof(int);
            (left, right) = (ConvertTo(a, common), ConvertTo(b, common));
        }
        else if (aType.IsCharacter)
        {
            if (op is "=" or "<>")
            {
                var equal = Expression.Call(typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(string)])!, a, b);
                return op == "=" ? equal : Expression.Not(equal);
            }

            (left, right) = (Invoke(typeof(StringFunctions), nameof(StringFunctions.Compare), a, b), Expression.Constant(0));
        }
        else if (aType.IsBinary)
        {
            (left, right) = (Invoke(typeof(StringFunctions), nameof(StringFunctions.Compare), a, b), Expression.Constant(0));
        }
        else if (aType.Kind == SqlTypeKind.Boolean && op is not ("=" or "<>"))
        {
            (left, right) = (Expression.Condition(a, Expression.Constant(1), Expression.Constant(0)), Expression.Condition(b, Expression.Constant(1), Expression.Constant(0)));
        }
        else if (a.Type == typeof(object) || a.Type.IsGenericType)
        {
            var equal = Invoke(typeof(ValueConstructors), nameof(ValueConstructors.DeepEquals), ConvertTo(a, typeof(object)), ConvertTo(b, typeof(object)));
            return op == "=" ? equal : Expression.Not(equal);
        }

        return op switch
        {
            "=" => Expression.Equal(left, right),
            "<>" => Expression.NotEqual(left, right),
            "<" => Expression.LessThan(left, right),
            ">" => Expression.GreaterThan(left, right),
            "<=" => Expression.LessThanOrEqual(left, right),
            _ => Expression.GreaterThanOrEqual(left, right),
        };
    }

    /// <summary>IS [NOT] DISTINCT FROM: NULL equals NULL; never NULL itself.</summary>
    private CompiledValue Distinct(bool distinct, CompiledValue a, SqlType aType, CompiledValue b, SqlType bType, List<Expression> block)
    {
        var aNull = a.IsNull ?? False;
        var bNull = b.IsNull ?? False;
        var bothPresent = Expression.AndAlso(Expression.Not(aNull), Expression.Not(bNull));
        Expression same = a.AlwaysNull || b.AlwaysNull
            ? Expression.AndAlso(aNull, bNull)
            : Expression.Condition(bothPresent, Comparison("=", a.Value, aType, b.Value, bType), Expression.AndAlso(aNull, bNull));
        return new(Store(distinct ? Expression.Not(same) : same, block), null);
    }

    /// <summary>x IN (v1, ..., vn): a hash set for a list of literals of x's type, otherwise = chained with OR.</summary>
    private CompiledValue In(CallExpr call, List<Expression> block)
    {
        var x = call.Operands[0];
        var values = call.Operands.Skip(1).ToList();
        var target = Compile(x, block);
        var literals = values.OfType<Literal>().ToList();
        if (literals.Count == values.Count && literals.Count >= 3 && !target.AlwaysNull
            && literals.All(l => l.Value is null || l.Type.ClrType == x.Type.ClrType && (x.Type.IsNumeric ? l.Type.Kind == x.Type.Kind : !l.Type.IsNumeric))
            && (x.Type.ClrType.IsPrimitive || x.Type.ClrType == typeof(string) || x.Type.ClrType == typeof(decimal)))
        {
            var setType = typeof(HashSet<>).MakeGenericType(x.Type.ClrType);
            var set = Activator.CreateInstance(setType)!;
            foreach (var literal in literals.Where(l => l.Value is not null))
                setType.GetMethod("Add")!.Invoke(set, [Convert.ChangeType(literal.Value, x.Type.ClrType, System.Globalization.CultureInfo.InvariantCulture)]);
            var contains = Expression.Call(Expression.Constant(set), setType.GetMethod("Contains")!, target.Value);
            var listHasNull = literals.Any(l => l.Value is null);
            var found = Store(contains, block);
            Expression? isNull = listHasNull ? Expression.Not(found) : null;
            if (target.IsNull is { } targetNull)
                isNull = isNull is null ? targetNull : Expression.OrElse(targetNull, isNull);
            return new(found, isNull is null ? null : Store(isNull, block));
        }

        var self = new Precompiled(target, x.Type);
        var comparisons = values.Select(v => (BoundExpr)new CallExpr("=", [self, v], SqlType.Boolean.AsNullable(true))).ToList();
        return Compile(comparisons.Count == 1 ? comparisons[0] : new CallExpr("OR", comparisons, SqlType.Boolean), block);
    }

    /// <summary>CASE [cond1, result1, ..., else]: a condition that is NULL counts as not met; only the chosen result is computed.</summary>
    private CompiledValue Case(CallExpr call, List<Expression> block)
    {
        var type = call.Type;
        var value = Variable(type.ClrType, "case");
        var isNull = Variable(typeof(bool), "n");
        block.Add(Branches(call.Operands, 0, type, value, isNull));
        return new(value, isNull);
    }

    private BlockExpression Branches(IReadOnlyList<BoundExpr> operands, int at, SqlType type, ParameterExpression value, ParameterExpression isNull)
    {
        var statements = new List<Expression>();
        if (at == operands.Count - 1)
        {
            AssignCoerced(operands[at], type, value, isNull, statements);
            return Expression.Block(statements);
        }

        var condition = Boolean(Compile(operands[at], statements));
        var met = condition.IsNull is null ? condition.Value : Expression.AndAlso(Expression.Not(condition.IsNull), condition.Value);
        var then = new List<Expression>();
        AssignCoerced(operands[at + 1], type, value, isNull, then);
        statements.Add(Expression.IfThenElse(met, Expression.Block(then), Branches(operands, at + 2, type, value, isNull)));
        return Expression.Block(statements);
    }

    private void AssignCoerced(BoundExpr operand, SqlType type, ParameterExpression value, ParameterExpression isNull, List<Expression> block)
    {
        var result = Coerce(Compile(operand, block), operand.Type, type, block);
        block.Add(Expression.Assign(value, result.Value));
        block.Add(Expression.Assign(isNull, result.IsNull ?? False));
    }

    /// <summary>COALESCE(a, b, ...) / IFNULL(a, b): the first non-null; later operands are computed only when needed.</summary>
    private CompiledValue Coalesce(CallExpr call, List<Expression> block)
    {
        var value = Variable(call.Type.ClrType, "coalesce");
        var isNull = Variable(typeof(bool), "n");
        block.Add(FirstPresent(call.Operands, 0, call.Type, value, isNull));
        return new(value, isNull);
    }

    private BlockExpression FirstPresent(IReadOnlyList<BoundExpr> operands, int at, SqlType type, ParameterExpression value, ParameterExpression isNull)
    {
        var statements = new List<Expression>();
        var operand = Coerce(Compile(operands[at], statements), operands[at].Type, type, statements);
        statements.Add(Expression.Assign(value, operand.Value));
        statements.Add(Expression.Assign(isNull, operand.IsNull ?? False));
        if (at + 1 < operands.Count && operand.IsNull is not null)
            statements.Add(Expression.IfThen(isNull, FirstPresent(operands, at + 1, type, value, isNull)));
        return Expression.Block(statements);
    }

    /// <summary>NULLIF(a, b): NULL when a = b, otherwise a.</summary>
    private CompiledValue NullIf(CallExpr call, List<Expression> block)
    {
        var (a, b) = (call.Operands[0], call.Operands[1]);
        var first = Compile(a, block);
        var second = Compile(b, block);
        if (first.AlwaysNull)
            return Null(call.Type);
        var equal = second.AlwaysNull ? False : Comparison("=", first.Value, a.Type, second.Value, b.Type);
        if (second.IsNull is { } secondNull && !second.AlwaysNull)
            equal = Expression.AndAlso(Expression.Not(secondNull), equal);
        var isNull = first.IsNull is null ? equal : Expression.OrElse(first.IsNull, equal);
        return new(first.Value, Store(isNull, block));
    }
}
