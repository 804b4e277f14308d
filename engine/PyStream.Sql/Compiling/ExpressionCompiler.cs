using System.Linq.Expressions;
using System.Reflection;
using PyStream.Engine.Records;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Compiling;

/// <summary>
/// Turns bound expressions into statements of one loop body over a batch. Each node appends
/// the statements computing it to a block and returns where its value and null flag are; nodes
/// that must not evaluate every operand (AND, OR, CASE, COALESCE) put operands in branches.
/// Null flags exist only for values that can be null.
/// </summary>
internal sealed partial class ExpressionCompiler
{
    private static readonly NullabilityInfoContext Nullability = new();

    private readonly IReadOnlyList<SqlType> inputTypes;
    private readonly ParameterExpression inputs;
    private readonly Dictionary<int, (ParameterExpression Values, ParameterExpression? Nulls)> columns = [];
    private readonly Dictionary<string, ParameterExpression> clockValues = new(StringComparer.Ordinal);

    public ExpressionCompiler(IReadOnlyList<SqlType> inputTypes, SqlContext context)
    {
        this.inputTypes = inputTypes;
        Context = context;
        inputs = Expression.Parameter(typeof(Column[]), "inputs");
        Row = Expression.Variable(typeof(int), "row");
    }

    public SqlContext Context { get; }

    /// <summary>The input columns of the generated delegate.</summary>
    public ParameterExpression Inputs => inputs;

    /// <summary>The indexes of the input columns the statements compiled so far read (the delegate touches no other).</summary>
    public IReadOnlyCollection<int> ColumnsRead => columns.Keys;

    /// <summary>The index of the row being computed.</summary>
    public ParameterExpression Row { get; }

    /// <summary>Every variable the statements use (declared once, outside the loop).</summary>
    public List<ParameterExpression> Variables { get; } = [];

    /// <summary>Statements run once per batch, before the loop: column arrays, the clock.</summary>
    public List<Expression> Prelude { get; } = [];

    public CompiledValue Compile(BoundExpr expr, List<Expression> block) => expr switch
    {
        InputRef input => Input(input),
        Literal literal => Constant(literal.Value, literal.Type),
        Precompiled precompiled => precompiled.Compiled,
        CallExpr call => Call(call, block),
        PythonCallExpr python => throw new SqlValidationException($"the Python function {python.Function} cannot be called here: Python functions run in SELECT, WHERE and GROUP BY expressions and aggregate arguments"),
        _ => throw new SqlValidationException($"Cannot compile the expression {expr}"),
    };

    public ParameterExpression Variable(Type type, string name)
    {
        var variable = Expression.Variable(type, name);
        Variables.Add(variable);
        return variable;
    }

    public static CompiledValue Null(SqlType type) => new(Expression.Default(type.ClrType), Expression.Constant(true));

    public static CompiledValue Constant(object? value, SqlType type)
    {
        if (value is null || type.Kind == SqlTypeKind.Null)
            return Null(type);
        var clr = type.ClrType;
        if (value.GetType() != clr && clr != typeof(object) && value is IConvertible)
            value = Convert.ChangeType(value, clr, System.Globalization.CultureInfo.InvariantCulture);
        return new(Expression.Constant(value, clr), null);
    }

    private CompiledValue Input(InputRef input)
    {
        if (input.Index < 0 || input.Index >= inputTypes.Count)
            throw new SqlValidationException($"Column #{input.Index} does not exist in an input of {inputTypes.Count} columns");
        var type = inputTypes[input.Index];
        if (!columns.TryGetValue(input.Index, out var column))
        {
            var clr = type.ClrType;
            var values = Variable(clr.MakeArrayType(), $"in{input.Index}");
            var source = Expression.ArrayIndex(inputs, Expression.Constant(input.Index));
            Prelude.Add(Expression.Assign(values, Expression.Property(Expression.Convert(source, typeof(Column<>).MakeGenericType(clr)), "Values")));
            ParameterExpression? nulls = null;
            if (type.Nullable)
            {
                nulls = Variable(typeof(bool[]), $"in{input.Index}Nulls");
                Prelude.Add(Expression.Assign(nulls, Expression.Property(source, nameof(Column.Nulls))));
            }

            column = (values, nulls);
            columns[input.Index] = column;
        }

        var value = Expression.ArrayIndex(column.Values, Row);
        if (column.Nulls is null)
            return new(value, null);
        var isNull = Expression.AndAlso(Expression.NotEqual(column.Nulls, Expression.Constant(null, typeof(bool[]))), Expression.ArrayIndex(column.Nulls, Row));
        return new(value, isNull);
    }

    /// <summary>
    /// A function NULL on any NULL operand: the operands are computed, then <paramref name="implement"/>'s
    /// expression runs only when none is NULL. That expression may itself give NULL (a nullable value
    /// type, or a method whose result is annotated nullable).
    /// </summary>
    private CompiledValue Strict(CallExpr call, List<Expression> block, Func<IReadOnlyList<Expression>, Expression> implement)
    {
        var operands = call.Operands.Select(o => Compile(o, block)).ToList();
        if (operands.Any(o => o.AlwaysNull))
            return Null(call.Type);
        var anyNull = AnyNull(operands);
        return Store(implement(operands.Select(o => o.Value).ToList()), call.Type, anyNull, block);
    }

    /// <summary>Assigns <paramref name="computed"/> to a new variable when <paramref name="skipWhen"/> is false; null otherwise or when it gives null.</summary>
    private CompiledValue Store(Expression computed, SqlType type, Expression? skipWhen, List<Expression> block)
    {
        var clr = type.ClrType;
        var result = Variable(clr, "v");
        var mayBeNull = MayBeNull(computed);
        if (skipWhen is null && !mayBeNull)
        {
            block.Add(Expression.Assign(result, ConvertTo(computed, clr)));
            return new(result, null);
        }

        var isNull = Variable(typeof(bool), "n");
        Expression compute;
        if (mayBeNull)
        {
            var temporary = Variable(computed.Type, "t");
            var read = Nullable.GetUnderlyingType(computed.Type) is not null
                ? Expression.Call(temporary, computed.Type.GetMethod("GetValueOrDefault", Type.EmptyTypes)!)
                : (Expression)temporary;
            compute = Expression.Block(
                Expression.Assign(temporary, computed),
                Expression.Assign(isNull, Expression.Equal(temporary, Expression.Constant(null, computed.Type))),
                Expression.Assign(result, Expression.Condition(isNull, Expression.Default(clr), ConvertTo(read, clr))));
        }
        else
        {
            compute = Expression.Block(Expression.Assign(isNull, Expression.Constant(false)), Expression.Assign(result, ConvertTo(computed, clr)));
        }

        block.Add(skipWhen is null
            ? compute
            : Expression.IfThenElse(skipWhen, Expression.Block(Expression.Assign(isNull, Expression.Constant(true)), Expression.Assign(result, Expression.Default(clr))), compute));
        return new(result, isNull);
    }

    private static Expression? AnyNull(IEnumerable<CompiledValue> operands)
    {
        Expression? anyNull = null;
        foreach (var flag in operands.Select(o => o.IsNull).OfType<Expression>())
            anyNull = anyNull is null ? flag : Expression.OrElse(anyNull, flag);
        return anyNull;
    }

    private static bool MayBeNull(Expression computed)
    {
        if (Nullable.GetUnderlyingType(computed.Type) is not null)
            return true;
        if (computed.Type.IsValueType)
            return false;
        return computed switch
        {
            MethodCallExpression call => Nullability.Create(call.Method.ReturnParameter).ReadState != NullabilityState.NotNull,
            ConstantExpression constant => constant.Value is null,
            _ => true,
        };
    }

    /// <summary>A numeric widening or narrowing (unchecked, as Java's casts), or a reference conversion.</summary>
    public static Expression ConvertTo(Expression value, Type type)
    {
        if (value.Type == type)
            return value;
        return Expression.Convert(value, type);
    }

    /// <summary>A call of a public static method of <paramref name="owner"/>, the overload chosen by the arguments' CLR types.</summary>
    public static Expression Invoke(Type owner, string name, params Expression[] arguments)
    {
        var candidates = owner.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == name && m.GetParameters().Length == arguments.Length).ToList();
        var exact = candidates.FirstOrDefault(m => m.GetParameters().Select(p => p.ParameterType).SequenceEqual(arguments.Select(a => a.Type)));
        var method = exact ?? candidates.FirstOrDefault(m => m.GetParameters().Zip(arguments).All(p => Convertible(p.Second.Type, p.First.ParameterType)))
            ?? throw new InvalidOperationException($"{owner.Name}.{name} has no overload for ({string.Join(", ", arguments.Select(a => a.Type.Name))})");
        var converted = method.GetParameters().Zip(arguments).Select(p => ConvertTo(p.Second, p.First.ParameterType));
        return Expression.Call(method, converted);
    }

    private static bool Convertible(Type from, Type to) =>
        from == to || to.IsAssignableFrom(from) || IsNumber(from) && IsNumber(to);

    private static bool IsNumber(Type type) =>
        type == typeof(sbyte) || type == typeof(short) || type == typeof(int) || type == typeof(long)
        || type == typeof(float) || type == typeof(double) || type == typeof(decimal);

    /// <summary>A clock reading taken once per batch (Flink reads the clock per record in streaming mode; a batch is a few milliseconds).</summary>
    private ParameterExpression ClockMicros(bool local)
    {
        var key = local ? "local" : "utc";
        if (clockValues.TryGetValue(key, out var variable))
            return variable;
        variable = Variable(typeof(long), local ? "localNow" : "now");
        var clock = Expression.Constant(Context.Clock, typeof(TimeProvider));
        var utcNow = Expression.Call(clock, typeof(TimeProvider).GetMethod(nameof(TimeProvider.GetUtcNow))!);
        var millis = Expression.Call(utcNow, typeof(DateTimeOffset).GetMethod(nameof(DateTimeOffset.ToUnixTimeMilliseconds))!);
        Expression micros = Expression.Multiply(millis, Expression.Constant(1000L));
        if (local)
            micros = Invoke(typeof(Functions.TimeMath), nameof(Functions.TimeMath.ToLocal), micros, Zone);
        Prelude.Add(Expression.Assign(variable, micros));
        clockValues[key] = variable;
        return variable;
    }

    private Expression Zone => Expression.Constant(Context.LocalTimeZone, typeof(TimeZoneInfo));
}
