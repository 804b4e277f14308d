using PyStream.Engine.Records;
using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;
using static PyStream.Sql.Tests.Compiling.Exprs;

namespace PyStream.Sql.Tests.Compiling;

/// <summary>The compiled loop over batches: filtering, typed outputs, null masks, row kinds, reused columns.</summary>
public sealed class CalcProgramTests
{
    private static readonly SqlType NullableInt = SqlType.Int;
    private static readonly SqlType Name = SqlType.String;

    private static RowBatch Batch(int?[] numbers, string?[] names, RowKind[]? kinds = null)
    {
        var n = new Column<int>(numbers.Select(v => v ?? 0).ToArray(), numbers.Any(v => v is null) ? numbers.Select(v => v is null).ToArray() : null);
        var s = new Column<string>(names.Select(v => v ?? null!).ToArray(), names.Any(v => v is null) ? names.Select(v => v is null).ToArray() : null);
        return new RowBatch([n, s], numbers.Length, kinds);
    }

    private static object?[] Values(Column column) => Enumerable.Range(0, column.Count).Select(column.GetBoxed).ToArray();

    [Fact]
    public void A_condition_runs_over_only_the_columns_it_reads()
    {
        // (c0 > c2) IS TRUE over three columns: c1 is not read, so it need not be given (a join's residual over its candidate pairs).
        var types = new[] { NullableInt, Name, NullableInt };
        var program = CalcProgram.Compile(types, null,
            [new CallExpr("IS TRUE", [Call(">", new InputRef(0, NullableInt), new InputRef(2, NullableInt))], SqlType.Boolean.NotNull)], Utc);
        Column?[] columns = [new Column<int>([5, 1, 7, 0], [false, false, false, true]), null, new Column<int>([4, 2, 7, 1])];

        Assert.Equal([0, 2], program.ColumnsRead);
        // 5 > 4 true, 1 > 2 false, 7 > 7 false, NULL > 1 NULL (not true).
        Assert.Equal([true, false, false, false], program.RunCondition(columns, 4));
    }

    [Fact]
    public void Rows_pass_only_where_the_condition_is_true_and_keep_their_kind()
    {
        var number = new InputRef(0, NullableInt);
        var name = new InputRef(1, Name);
        var program = CalcProgram.Compile([NullableInt, Name], Call(">", number, Int(1)),
            [Call("*", number, Int(10)), Call("UPPER", name), name], Utc);
        var input = Batch([1, 2, null, 3], ["a", null, "c", "d"], [RowKind.Insert, RowKind.UpdateBefore, RowKind.Insert, RowKind.Delete]);

        var output = program.Run(input)!;

        // 1 is not > 1, NULL > 1 is NULL (not true): rows 2 and 4 pass.
        Assert.Equal(2, output.Count);
        Assert.Equal(new object?[] { 20, 30 }, Values(output.Columns[0]));
        Assert.Equal(new object?[] { null, "D" }, Values(output.Columns[1]));
        Assert.Equal(new object?[] { null, "d" }, Values(output.Columns[2]));
        Assert.Equal([RowKind.UpdateBefore, RowKind.Delete], output.Kinds);
        Assert.IsType<Column<int>>(output.Columns[0]);
        Assert.Null(output.Columns[0].Nulls);
        Assert.Equal([SqlType.Int, SqlType.String, Name], program.OutputTypes);
    }

    [Fact]
    public void A_column_reference_reuses_the_input_column_when_no_row_is_dropped()
    {
        var input = Batch([1, 2, 3], ["a", "b", "c"]);
        var program = CalcProgram.Compile([NullableInt, Name], null, [new InputRef(1, Name), new InputRef(0, NullableInt)], Utc);
        var output = program.Run(input)!;
        Assert.Same(input.Columns[1], output.Columns[0]);
        Assert.Same(input.Columns[0], output.Columns[1]);

        var filtered = CalcProgram.Compile([NullableInt, Name], Call("<>", new InputRef(0, NullableInt), Int(2)), [new InputRef(1, Name)], Utc).Run(input)!;
        Assert.Equal(new object?[] { "a", "c" }, Values(filtered.Columns[0]));
    }

    [Fact]
    public void No_passing_row_gives_no_batch()
    {
        var program = CalcProgram.Compile([NullableInt, Name], Call("IS NULL", new InputRef(1, Name)), [new InputRef(0, NullableInt)], Utc);
        Assert.Null(program.Run(Batch([1, 2], ["a", "b"])));
        Assert.Null(program.Run(new RowBatch([new Column<int>(0), new Column<string>(0)], 0)));
    }

    [Fact]
    public void A_runtime_error_fails_the_batch()
    {
        var program = CalcProgram.Compile([NullableInt, Name], null, [Call("/", Int(100), new InputRef(0, NullableInt))], Utc);
        Assert.Equal(new object?[] { 50, null }, Values(program.Run(Batch([2, null], ["a", "b"]))!.Columns[0]));
        Assert.Throws<SqlRuntimeException>(() => program.Run(Batch([2, 0], ["a", "b"])));
    }

    [Fact]
    public void A_million_rows_are_computed_in_one_pass()
    {
        const int Rows = 1_000_000;
        var ids = new long[Rows];
        var amounts = new decimal[Rows];
        var amountNulls = new bool[Rows];
        for (var i = 0; i < Rows; i++)
        {
            ids[i] = i;
            amounts[i] = i % 100 / 4m;
            amountNulls[i] = i % 7 == 0;
        }

        var types = new[] { SqlType.BigInt.NotNull, SqlType.Decimal(10, 2) };
        var id = new InputRef(0, types[0]);
        var amount = new InputRef(1, types[1]);
        // WHERE MOD(id, 3) = 0 AND amount > 10, SELECT id * 2, amount * 2 + 1, CASE WHEN amount > 20 THEN 'big' ELSE 'small' END
        var condition = Call("AND", Call("=", Call("MOD", id, Int(3)), Int(0)), Call(">", amount, Int(10)));
        var program = CalcProgram.Compile(types, condition,
            [Call("*", id, Int(2)), Call("+", Call("*", amount, Int(2)), Int(1)), Call("CASE", Call(">", amount, Int(20)), Str("big"), Str("small"))], Utc);

        var output = program.Run(new RowBatch([new Column<long>(ids), new Column<decimal>(amounts, amountNulls)], Rows))!;

        var expected = Enumerable.Range(0, Rows).Where(i => i % 3 == 0 && i % 7 != 0 && i % 100 / 4m > 10).ToList();
        Assert.Equal(expected.Count, output.Count);
        var doubled = (Column<long>)output.Columns[0];
        var computed = (Column<decimal>)output.Columns[1];
        var size = (Column<string>)output.Columns[2];
        for (var k = 0; k < expected.Count; k++)
        {
            var i = expected[k];
            Assert.Equal(2L * i, doubled.Values[k]);
            Assert.Equal(i % 100 / 4m * 2 + 1, computed.Values[k]);
            Assert.Equal(i % 100 / 4m > 20 ? "big" : "small", size.Values[k].TrimEnd());
        }
    }

    [Fact]
    public void Evaluate_computes_constant_expressions()
    {
        Assert.Equal(7L, CalcProgram.Evaluate(Call("+", Long(3), Int(4)), Utc));
        Assert.Equal(5_000L, CalcProgram.Evaluate(Call("*", DayTime(1_000), Int(5)), Utc));
        Assert.Null(CalcProgram.Evaluate(Null(SqlType.Int), Utc));
    }

    [Fact]
    public void Bad_programs_are_refused_when_compiled()
    {
        Assert.Throws<SqlValidationException>(() => CalcProgram.Compile([NullableInt], Int(1), [], Utc));
        Assert.Throws<SqlValidationException>(() => CalcProgram.Compile([NullableInt], null, [new InputRef(3, NullableInt)], Utc));
    }
}
