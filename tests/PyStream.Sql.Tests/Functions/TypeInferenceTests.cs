using PyStream.Sql.Functions;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;
using static PyStream.Sql.Tests.Compiling.Exprs;

namespace PyStream.Sql.Tests.Functions;

/// <summary>Result types by Flink's rules (LogicalTypeMerging for DECIMAL, with C#'s 28-digit maximum instead of 38).</summary>
public sealed class TypeInferenceTests
{
    private static InputRef Column(SqlType type, int index = 0) => new(index, type);

    public static TheoryData<string, SqlType, SqlType, string> Arithmetic => new()
    {
        { "+", SqlType.Int, SqlType.Int, "INT" },
        { "+", SqlType.Int, SqlType.BigInt, "BIGINT" },
        { "*", SqlType.TinyInt, SqlType.SmallInt, "SMALLINT" },
        { "/", SqlType.Int, SqlType.Int, "INT" },
        { "+", SqlType.Int, SqlType.Double, "DOUBLE" },
        { "+", SqlType.Float, SqlType.Double, "DOUBLE" },
        { "+", SqlType.Float, SqlType.Int, "FLOAT" },
        { "+", SqlType.Decimal(10, 2), SqlType.Double, "DOUBLE" },
        // max(10-0, 5-2) + max(0, 2) + 1 = 13 digits, scale 2
        { "+", SqlType.Int, SqlType.Decimal(5, 2), "DECIMAL(13, 2)" },
        // scale 4, max(5 - 2, 7 - 4) + 4 + 1 = 8 digits
        { "-", SqlType.Decimal(5, 2), SqlType.Decimal(7, 4), "DECIMAL(8, 4)" },
        // precision 5 + 7, scale 2 + 4
        { "*", SqlType.Decimal(5, 2), SqlType.Decimal(7, 4), "DECIMAL(12, 6)" },
        // scale max(6, 2 + 7 + 1) = 10, precision 5 - 2 + 4 + 10 = 17
        { "/", SqlType.Decimal(5, 2), SqlType.Decimal(7, 4), "DECIMAL(17, 10)" },
        // scale max(6, 0 + 10 + 1) = 11, precision 10 + 0 + 11 = 21
        { "/", SqlType.Int, SqlType.Decimal(10, 0), "DECIMAL(21, 11)" },
        // 20 + 20 = 40 > 38: integer digits 40 - 10 = 30, scale max(min(10, 38 - 30), min(10, 6)) = 8
        { "*", SqlType.Decimal(20, 5), SqlType.Decimal(20, 5), "DECIMAL(38, 8)" },
        // 25 + 25 = 50 > 38: integer digits 50 - 10 = 40, scale max(min(10, 38 - 40), min(10, 6)) = 6
        { "*", SqlType.Decimal(25, 5), SqlType.Decimal(25, 5), "DECIMAL(38, 6)" },
        { "MOD", SqlType.BigInt, SqlType.Int, "INT" },
        // scale max(2, 0) = 2, precision min(5 - 2, 10) + 2 = 5
        { "MOD", SqlType.Decimal(5, 2), SqlType.Int, "DECIMAL(5, 2)" },
        { "+", SqlType.Timestamp(3), SqlType.IntervalDayTime, "TIMESTAMP(3)" },
        { "-", SqlType.Date, SqlType.IntervalYearMonth, "DATE" },
        { "+", SqlType.IntervalDayTime, SqlType.TimestampLtz(3), "TIMESTAMP_LTZ(3)" },
    };

    [Theory]
    [MemberData(nameof(Arithmetic))]
    public void Arithmetic_follows_flinks_promotion(string op, SqlType a, SqlType b, string expected)
    {
        Assert.Equal(expected, FunctionLibrary.InferType(op, [Column(a.NotNull), Column(b.NotNull, 1)]).ToString().Replace(" NOT NULL", ""));
    }

    [Fact]
    public void A_result_is_nullable_when_an_operand_is()
    {
        Assert.Equal(SqlType.Int.NotNull, FunctionLibrary.InferType("+", [Column(SqlType.Int.NotNull), Int(1)]));
        Assert.Equal(SqlType.Int, FunctionLibrary.InferType("+", [Column(SqlType.Int), Int(1)]));
        Assert.Equal(SqlType.Boolean.NotNull, FunctionLibrary.InferType("IS NULL", [Column(SqlType.Int)]));
        Assert.Equal(SqlType.Boolean.NotNull, FunctionLibrary.InferType("IS DISTINCT FROM", [Column(SqlType.Int), Int(1)]));
    }

    [Fact]
    public void Case_and_coalesce_take_the_least_restrictive_type()
    {
        var condition = Column(SqlType.Boolean.NotNull);
        Assert.Equal("DECIMAL(12, 2)", FunctionLibrary.InferType("CASE", [condition, Int(1), Dec("1.50", 3, 2)]).ToString().Replace(" NOT NULL", ""));
        Assert.Equal(SqlType.BigInt, FunctionLibrary.InferType("CASE", [condition, Int(1), Null(SqlType.BigInt)]));
        Assert.Equal(SqlType.Varchar(5).NotNull, FunctionLibrary.InferType("CASE", [condition, Str("ab"), Column(SqlType.Varchar(5).NotNull, 1)]));
        Assert.Equal(SqlType.Int.NotNull, FunctionLibrary.InferType("COALESCE", [Column(SqlType.Int), Int(0)]));
        Assert.Equal(SqlType.Int, FunctionLibrary.InferType("COALESCE", [Column(SqlType.Int), Column(SqlType.Int, 1)]));
    }

    [Fact]
    public void Comparisons_take_any_numbers_but_not_a_string_and_a_number()
    {
        Assert.Equal(SqlType.Boolean.NotNull, FunctionLibrary.InferType("<", [Int(1), Dec("2.5", 2, 1)]));
        Assert.Equal(SqlType.Boolean.NotNull, FunctionLibrary.InferType("=", [Long(1), Dbl(2)]));
        var error = Assert.Throws<SqlValidationException>(() => FunctionLibrary.InferType("=", [Column(SqlType.Int), Column(SqlType.String, 1)]));
        Assert.Contains("Cannot apply '=' to arguments of type 'INT' and 'STRING'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_error_names_the_operator_and_both_types()
    {
        var error = Assert.Throws<SqlValidationException>(() => FunctionLibrary.InferType("+", [Column(SqlType.Int), Column(SqlType.String, 1)]));
        Assert.Contains("Cannot apply '+' to arguments of type 'INT' and 'STRING'", error.Message, StringComparison.Ordinal);
        var upper = Assert.Throws<SqlValidationException>(() => FunctionLibrary.InferType("UPPER", [Int(1)]));
        Assert.Contains("Cannot apply 'UPPER' to arguments of type 'INT NOT NULL'", upper.Message, StringComparison.Ordinal);
        var count = Assert.Throws<SqlValidationException>(() => FunctionLibrary.InferType("SUBSTRING", [Str("a")]));
        Assert.Contains("Was expecting 2 to 3 arguments, got 1", count.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Functions_have_flinks_result_types()
    {
        Assert.Equal(SqlType.Char(3).NotNull, FunctionLibrary.InferType("UPPER", [Str("abc")]));
        Assert.Equal(SqlType.Int.NotNull, FunctionLibrary.InferType("CHAR_LENGTH", [Str("abc")]));
        Assert.Equal(SqlType.String, FunctionLibrary.InferType("REGEXP_EXTRACT", [Str("abc"), Str("b")]));
        Assert.Equal(SqlType.Double.NotNull, FunctionLibrary.InferType("SQRT", [Int(4)]));
        Assert.Equal(SqlType.BigInt.NotNull, FunctionLibrary.InferType("EXTRACT", [Unit("YEAR"), Ts("2024-01-01 00:00:00")]));
        Assert.Equal(SqlType.Timestamp(3).NotNull, FunctionLibrary.InferType("FLOOR", [Ts("2024-01-01 00:00:00"), Unit("HOUR")]));
        Assert.Equal(SqlType.TimestampLtz(3).NotNull, FunctionLibrary.InferType("CURRENT_TIMESTAMP", []));
        Assert.Equal(SqlType.Timestamp(3), FunctionLibrary.InferType("TO_TIMESTAMP", [Str("2024-01-01 00:00:00")]));
        Assert.Equal(SqlType.Int.NotNull, FunctionLibrary.InferType("TIMESTAMPDIFF", [Unit("DAY"), Ts("2024-01-01 00:00:00"), Ts("2024-01-02 00:00:00")]));
        // ROUND(DECIMAL(10, 4), 2): DECIMAL(1 + 10 - 4 + 2, 2)
        Assert.Equal(SqlType.Decimal(9, 2).NotNull, FunctionLibrary.InferType("ROUND", [Dec("1.2345", 10, 4), Int(2)]));
        Assert.Equal(SqlType.Decimal(7, 0).NotNull, FunctionLibrary.InferType("FLOOR", [Dec("1.2345", 10, 4)]));
        Assert.Equal(SqlType.Array(SqlType.BigInt.NotNull).NotNull, FunctionLibrary.InferType("ARRAY", [Int(1), Long(2)]));
    }

    [Fact]
    public void Casts_follow_flinks_table()
    {
        Assert.True(CastRules.CanCast(SqlType.String, SqlType.Int));
        Assert.True(CastRules.CanCast(SqlType.Int, SqlType.String));
        Assert.True(CastRules.CanCast(SqlType.Timestamp(3), SqlType.Date));
        Assert.True(CastRules.CanCast(SqlType.BigInt, SqlType.TimestampLtz(3)));
        Assert.False(CastRules.CanCast(SqlType.BigInt, SqlType.Timestamp(3)));
        Assert.False(CastRules.CanCast(SqlType.Date, SqlType.Int));
        Assert.False(CastRules.CanCast(SqlType.Boolean, SqlType.Date));
        Assert.Equal(SqlType.Int.NotNull, CastRules.CastType(SqlType.String.NotNull, SqlType.Int));
        Assert.Equal(SqlType.Int, CastRules.CastType(SqlType.String.NotNull, SqlType.Int, tryCast: true));
        Assert.Throws<SqlValidationException>(() => CastRules.CastType(SqlType.Date, SqlType.Int));
    }

    [Fact]
    public void The_function_list_holds_the_callable_functions_only()
    {
        Assert.Contains("UPPER", FunctionLibrary.ScalarFunctionNames);
        Assert.Contains("JSON_VALUE", FunctionLibrary.ScalarFunctionNames);
        Assert.DoesNotContain("+", FunctionLibrary.ScalarFunctionNames);
        Assert.True(FunctionLibrary.IsScalarFunction("date_format"));
        Assert.False(FunctionLibrary.IsScalarFunction("NO_SUCH_FUNCTION"));
        Assert.Equal(FunctionLibrary.ScalarFunctionNames.Order(StringComparer.Ordinal), FunctionLibrary.ScalarFunctionNames);
    }
}
