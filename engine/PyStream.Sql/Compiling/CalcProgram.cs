using System.Linq.Expressions;
using PyStream.Engine.Records;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Compiling;

/// <summary>
/// A filter and projection (Flink's Calc) compiled once into one delegate that loops over a
/// batch: the condition and every computed column are inlined into the loop body, values stay
/// unboxed in typed columns, and null checks exist only for nullable inputs. A projection that is
/// a plain column reference is not computed: the input column is reused when every row passes,
/// and selected otherwise.
/// </summary>
public sealed class CalcProgram
{
    private readonly Kernel kernel;
    private readonly int[] passThrough;
    private readonly Type[] computedTypes;
    private readonly Func<Array, bool[]?, Column>[] wrap;
    private readonly bool filters;

    private CalcProgram(Kernel kernel, IReadOnlyList<SqlType> outputTypes, int[] passThrough, bool filters, int[] columnsRead)
    {
        this.kernel = kernel;
        ColumnsRead = columnsRead;
        OutputTypes = outputTypes;
        this.passThrough = passThrough;
        this.filters = filters;
        computedTypes = outputTypes.Select(t => t.ClrType).ToArray();
        wrap = computedTypes.Select(Wrapper).ToArray();
    }

    /// <summary>The generated loop: returns how many rows passed and writes the index of each into <c>selection</c>.</summary>
    private delegate int Kernel(Column[] inputs, int count, Array[] outputs, bool[]?[] outputNulls, int[]? selection);

    public IReadOnlyList<SqlType> OutputTypes { get; }

    /// <summary>The input columns the program reads, computed columns and condition (pass-through columns aside).</summary>
    public IReadOnlyList<int> ColumnsRead { get; }

    public static CalcProgram Compile(IReadOnlyList<SqlType> inputTypes, BoundExpr? condition, IReadOnlyList<BoundExpr> projections, SqlContext context)
    {
        ArgumentNullException.ThrowIfNull(inputTypes);
        ArgumentNullException.ThrowIfNull(projections);
        ArgumentNullException.ThrowIfNull(context);
        if (condition is not null && condition.Type.Kind is not (SqlTypeKind.Boolean or SqlTypeKind.Null))
            throw new SqlValidationException($"A filter condition must be BOOLEAN, got {condition.Type}");
        var compiler = new ExpressionCompiler(inputTypes, context);
        var count = Expression.Parameter(typeof(int), "count");
        var outputs = Expression.Parameter(typeof(Array[]), "outputs");
        var outputNulls = Expression.Parameter(typeof(bool[][]), "outputNulls");
        var selection = Expression.Parameter(typeof(int[]), "selection");
        var passed = compiler.Variable(typeof(int), "passed");

        var passThrough = projections.Select(p => p is InputRef input ? input.Index : -1).ToArray();
        foreach (var index in passThrough.Where(i => i >= inputTypes.Count))
            throw new SqlValidationException($"Column #{index} does not exist in an input of {inputTypes.Count} columns");

        var rowBody = new List<Expression>();
        var epilogue = new List<Expression>();
        for (var p = 0; p < projections.Count; p++)
        {
            if (passThrough[p] >= 0)
                continue;
            var type = projections[p].Type;
            var values = compiler.Variable(type.ClrType.MakeArrayType(), $"out{p}");
            var nulls = compiler.Variable(typeof(bool[]), $"out{p}Nulls");
            compiler.Prelude.Add(Expression.Assign(values, Expression.Convert(Expression.ArrayIndex(outputs, Expression.Constant(p)), values.Type)));
            compiler.Prelude.Add(Expression.Assign(nulls, Expression.Constant(null, typeof(bool[]))));
            var value = compiler.Compile(projections[p], rowBody);
            var write = Expression.Assign(Expression.ArrayAccess(values, passed), value.Value);
            if (value.IsNull is null)
            {
                rowBody.Add(write);
            }
            else
            {
                var markNull = Expression.Block(
                    Expression.IfThen(Expression.Equal(nulls, Expression.Constant(null, typeof(bool[]))), Expression.Assign(nulls, Expression.NewArrayBounds(typeof(bool), count))),
                    Expression.Assign(Expression.ArrayAccess(nulls, passed), Expression.Constant(true)));
                rowBody.Add(Expression.IfThenElse(value.IsNull, markNull, write));
            }

            epilogue.Add(Expression.Assign(Expression.ArrayAccess(outputNulls, Expression.Constant(p)), nulls));
        }

        Expression body;
        if (condition is null)
        {
            rowBody.Add(Expression.PreIncrementAssign(passed));
            body = Expression.Block(rowBody);
        }
        else
        {
            var test = new List<Expression>();
            var met = compiler.Compile(condition, test);
            var isTrue = met.AlwaysNull ? Expression.Constant(false)
                : met.IsNull is null ? met.Value : Expression.AndAlso(Expression.Not(met.IsNull), met.Value);
            rowBody.Add(Expression.Assign(Expression.ArrayAccess(selection, passed), compiler.Row));
            rowBody.Add(Expression.PreIncrementAssign(passed));
            test.Add(Expression.IfThen(isTrue, Expression.Block(rowBody)));
            body = Expression.Block(test);
        }

        var end = Expression.Label("end");
        var loop = Expression.Block(
            Expression.Assign(compiler.Row, Expression.Constant(0)),
            Expression.Loop(
                Expression.IfThenElse(Expression.LessThan(compiler.Row, count),
                    Expression.Block(body, Expression.PreIncrementAssign(compiler.Row)),
                    Expression.Break(end)),
                end));
        var statements = new List<Expression> { Expression.Assign(passed, Expression.Constant(0)) };
        statements.AddRange(compiler.Prelude);
        statements.Add(loop);
        statements.AddRange(epilogue);
        statements.Add(passed);
        var lambda = Expression.Lambda<Kernel>(Expression.Block(compiler.Variables.Append(compiler.Row), statements),
            compiler.Inputs, count, outputs, outputNulls, selection);
        var outputTypes = projections.Select(p => p is InputRef input ? inputTypes[input.Index] : p.Type).ToArray();
        return new CalcProgram(lambda.Compile(), outputTypes, passThrough, condition is not null, [.. compiler.ColumnsRead.Order()]);
    }

    /// <summary>The value of an expression without column references (VALUES rows, window sizes), in its CLR representation.</summary>
    public static object? Evaluate(BoundExpr expr, SqlContext context)
    {
        ArgumentNullException.ThrowIfNull(expr);
        if (expr is Literal literal)
            return ExpressionCompiler.Constant(literal.Value, literal.Type) is { IsNull: null, Value: ConstantExpression constant } ? constant.Value : null;
        var program = Compile([], null, [expr], context);
        return program.Run(new RowBatch([], 1))!.Columns[0].GetBoxed(0);
    }

    /// <summary>The rows where the condition is TRUE, projected, each keeping its row kind and timestamp; null when none passes.</summary>
    public RowBatch? Run(RowBatch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var count = input.Count;
        if (count == 0)
            return null;
        var outputs = new Array[passThrough.Length];
        var outputNulls = new bool[]?[passThrough.Length];
        for (var p = 0; p < outputs.Length; p++)
        {
            if (passThrough[p] < 0)
                outputs[p] = Array.CreateInstance(computedTypes[p], count);
        }

        var selection = filters ? new int[count] : null;
        var passed = kernel(input.Columns, count, outputs, outputNulls, selection);
        if (passed == 0)
            return null;
        var all = passed == count;
        var selected = all ? default : selection.AsSpan(0, passed);
        var columns = new Column[outputs.Length];
        for (var p = 0; p < columns.Length; p++)
        {
            if (passThrough[p] >= 0)
            {
                var source = input.Columns[passThrough[p]];
                columns[p] = all ? source : source.Select(selected);
                continue;
            }

            var column = wrap[p](outputs[p], outputNulls[p]);
            columns[p] = all ? column : column.Slice(0, passed);
        }

        var kinds = input.Kinds is null || all ? input.Kinds : Pick(input.Kinds, selected);
        var timestamps = input.Timestamps is null || all ? input.Timestamps : Pick(input.Timestamps, selected);
        return new RowBatch(columns, passed, kinds) { Timestamps = timestamps };
    }

    /// <summary>
    /// A program of one computed BOOLEAN NOT NULL column and no filter (a join's residual condition, IS TRUE) run over
    /// <paramref name="count"/> rows of which only the columns in <see cref="ColumnsRead"/> are given (the others may be null):
    /// the column's values.
    /// </summary>
    public bool[] RunCondition(Column?[] columns, int count)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (filters || passThrough is not [< 0] || computedTypes[0] != typeof(bool) || OutputTypes[0].Nullable)
            throw new InvalidOperationException("not a program of one BOOLEAN NOT NULL column without a filter");
        var values = new bool[count];
        if (count > 0)
            kernel(columns!, count, [values], new bool[]?[1], null);
        return values;
    }

    private static Column Wrap<T>(Array values, bool[]? nulls) => new Column<T>((T[])values, nulls);

    private static Func<Array, bool[]?, Column> Wrapper(Type type) =>
        typeof(CalcProgram).GetMethod(nameof(Wrap), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(type).CreateDelegate<Func<Array, bool[]?, Column>>();

    private static T[] Pick<T>(T[] source, ReadOnlySpan<int> rows)
    {
        var picked = new T[rows.Length];
        for (var i = 0; i < rows.Length; i++)
            picked[i] = source[rows[i]];
        return picked;
    }
}
