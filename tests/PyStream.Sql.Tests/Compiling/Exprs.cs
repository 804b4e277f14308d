using PyStream.Sql.Compiling;
using PyStream.Sql.Functions;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Compiling;

/// <summary>Bound expressions built the way the binder builds them (types from the function library), and their values.</summary>
internal static class Exprs
{
    /// <summary>2024-03-15 10:30:45.123 UTC, a Friday.</summary>
    public static readonly DateTimeOffset Now = new(2024, 3, 15, 10, 30, 45, 123, TimeSpan.Zero);

    public static readonly SqlContext Utc = new(TimeZoneInfo.Utc, new FixedClock(Now));

    public static Literal Int(int value) => new(value, SqlType.Int.NotNull);

    public static Literal Long(long value) => new(value, SqlType.BigInt.NotNull);

    public static Literal Dbl(double value) => new(value, SqlType.Double.NotNull);

    public static Literal Dec(string value, int precision, int scale) =>
        new(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), SqlType.Decimal(precision, scale).NotNull);

    public static Literal Str(string value) => new(value, SqlType.Char(Math.Max(1, value.Length)).NotNull);

    public static Literal Bool(bool value) => new(value, SqlType.Boolean.NotNull);

    public static Literal Null(SqlType type) => new(null, type.AsNullable());

    public static Literal NullOf => new(null, SqlType.Null);

    /// <summary>A unit or TRIM side, as the binder passes them.</summary>
    public static Literal Unit(string unit) => new(unit, SqlType.String.NotNull);

    /// <summary>TIMESTAMP '...' (wall-clock microseconds).</summary>
    public static Literal Ts(string text, int precision = 3) => new(ValueParsing.ParseTimestamp(text), SqlType.Timestamp(precision).NotNull);

    public static Literal Date(string text) => new(ValueParsing.ParseDate(text), SqlType.Date.NotNull);

    public static Literal DayTime(long millis) => new(millis, SqlType.IntervalDayTime.NotNull);

    public static Literal Months(int months) => new(months, SqlType.IntervalYearMonth.NotNull);

    public static CallExpr Call(string function, params BoundExpr[] operands) =>
        new(function, operands, FunctionLibrary.InferType(function, operands));

    public static CallExpr Cast(BoundExpr x, SqlType target) => new("CAST", [x], CastRules.CastType(x.Type, target));

    public static CallExpr TryCast(BoundExpr x, SqlType target) => new("TRY_CAST", [x], CastRules.CastType(x.Type, target, tryCast: true));

    public static object? Eval(BoundExpr expr, SqlContext? context = null) => CalcProgram.Evaluate(expr, context ?? Utc);

    public static object? Eval(string function, params BoundExpr[] operands) => Eval(Call(function, operands));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
