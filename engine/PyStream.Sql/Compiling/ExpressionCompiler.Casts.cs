using System.Linq.Expressions;
using PyStream.Sql.Functions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Compiling;

/// <summary>CAST and TRY_CAST by Flink 1.15+'s rules, and the implicit widening of CASE branches and arithmetic operands.</summary>
internal sealed partial class ExpressionCompiler
{
    /// <summary>A value of <paramref name="from"/> as <paramref name="to"/> (widening, or a cast the binder asked for).</summary>
    private CompiledValue Coerce(CompiledValue value, SqlType from, SqlType to, List<Expression> block)
    {
        if (value.AlwaysNull)
            return Null(to);
        if (from.Kind == to.Kind && from.ClrType == to.ClrType && (from.SameRootAndParameters(to) || !NeedsAdjusting(to)))
            return value;
        return Cast(value, from, to, tryCast: false, block);
    }

    /// <summary>Types whose values change when only the parameters change (DECIMAL scale, CHAR padding, lengths, TIMESTAMP fraction).</summary>
    private static bool NeedsAdjusting(SqlType to) =>
        to.Kind is SqlTypeKind.Decimal or SqlTypeKind.Char or SqlTypeKind.Binary
        || to.Kind is SqlTypeKind.Varchar or SqlTypeKind.Varbinary && to.Precision != SqlType.MaxLength
        || to.IsTimestamp && to.Precision < 6;

    private CompiledValue Cast(CompiledValue value, SqlType from, SqlType to, bool tryCast, List<Expression> block)
    {
        if (value.AlwaysNull || from.Kind == SqlTypeKind.Null)
            return Null(to);
        if (!CastRules.CanCast(from, to))
            throw new SqlValidationException($"Cast function cannot convert value of type {from} to type {to}");
        var converted = CastValue(value.Value, from, to);
        if (tryCast)
        {
            var nullable = converted.Type.IsValueType && Nullable.GetUnderlyingType(converted.Type) is null
                ? typeof(Nullable<>).MakeGenericType(converted.Type) : converted.Type;
            converted = Expression.TryCatch(ConvertTo(converted, nullable),
                Expression.Catch(typeof(SqlRuntimeException), Expression.Constant(null, nullable)),
                Expression.Catch(typeof(OverflowException), Expression.Constant(null, nullable)));
        }

        return Store(converted, to, value.IsNull, block);
    }

    private Expression CastValue(Expression x, SqlType from, SqlType to)
    {
        if (to.IsCharacter)
        {
            var text = from.IsCharacter ? x : ToText(x, from);
            return to.Precision == SqlType.MaxLength ? text
                : Invoke(typeof(StringFunctions), nameof(StringFunctions.FitLength), text, Expression.Constant(to.Precision), Expression.Constant(to.Kind == SqlTypeKind.Char));
        }

        if (from.IsCharacter)
            return FromText(x, to);
        if (to.IsBinary)
            return Invoke(typeof(StringFunctions), nameof(StringFunctions.FitLength), x, Expression.Constant(to.Precision), Expression.Constant(to.Kind == SqlTypeKind.Binary));
        if (from.IsNumeric && to.IsNumeric)
            return NumberToNumber(x, from, to);
        var micros = typeof(TimeMath);
        return (from.Kind, to.Kind) switch
        {
            (SqlTypeKind.Boolean, _) when to.Kind == SqlTypeKind.Decimal =>
                Invoke(typeof(Functions.Arithmetic), nameof(Functions.Arithmetic.Fit), Expression.Condition(x, Expression.Constant(1m), Expression.Constant(0m)), Expression.Constant(to.Precision), Expression.Constant(to.Scale)),
            (SqlTypeKind.Boolean, _) => ConvertTo(Expression.Condition(x, Expression.Constant(1), Expression.Constant(0)), to.ClrType),
            (_, SqlTypeKind.Boolean) => Expression.NotEqual(x, Expression.Default(x.Type)),
            (SqlTypeKind.Date, SqlTypeKind.Timestamp) => DateToMicros(x),
            (SqlTypeKind.Date, SqlTypeKind.TimestampLtz) => Invoke(micros, nameof(TimeMath.ToInstant), DateToMicros(x), Zone),
            (SqlTypeKind.Time, SqlTypeKind.Timestamp) => Expression.Multiply(ConvertTo(x, typeof(long)), Expression.Constant(TimeMath.MicrosPerMilli)),
            (SqlTypeKind.Time, SqlTypeKind.TimestampLtz) =>
                Invoke(micros, nameof(TimeMath.ToInstant), Expression.Multiply(ConvertTo(x, typeof(long)), Expression.Constant(TimeMath.MicrosPerMilli)), Zone),
            (SqlTypeKind.Time, SqlTypeKind.Time) => x,
            (SqlTypeKind.Timestamp, SqlTypeKind.Date) => Invoke(micros, nameof(TimeMath.DaysOf), x),
            (SqlTypeKind.Timestamp, SqlTypeKind.Time) => Invoke(micros, nameof(TimeMath.MillisOfDay), x),
            (SqlTypeKind.Timestamp, SqlTypeKind.Timestamp) => TruncateFraction(x, to.Precision),
            (SqlTypeKind.Timestamp, SqlTypeKind.TimestampLtz) => TruncateFraction(Invoke(micros, nameof(TimeMath.ToInstant), x, Zone), to.Precision),
            (SqlTypeKind.TimestampLtz, SqlTypeKind.TimestampLtz) => TruncateFraction(x, to.Precision),
            (SqlTypeKind.TimestampLtz, SqlTypeKind.Timestamp) => TruncateFraction(Invoke(micros, nameof(TimeMath.ToLocal), x, Zone), to.Precision),
            (SqlTypeKind.TimestampLtz, SqlTypeKind.Date) => Invoke(micros, nameof(TimeMath.DaysOf), Invoke(micros, nameof(TimeMath.ToLocal), x, Zone)),
            (SqlTypeKind.TimestampLtz, SqlTypeKind.Time) => Invoke(micros, nameof(TimeMath.MillisOfDay), Invoke(micros, nameof(TimeMath.ToLocal), x, Zone)),
            (SqlTypeKind.TimestampLtz, _) when to.IsNumeric =>
                NumberToNumber(Invoke(micros, nameof(TimeMath.FloorDiv), x, Expression.Constant(TimeMath.MicrosPerSecond)), SqlType.BigInt, to),
            (_, SqlTypeKind.TimestampLtz) when from.IsNumeric =>
                ConvertTo(Expression.Multiply(ConvertTo(x, typeof(double)), Expression.Constant((double)TimeMath.MicrosPerSecond)), typeof(long)),
            _ when from.IsInterval && to.IsInteger || from.IsInteger && to.IsInterval => ConvertTo(x, to.ClrType),
            _ when from.Kind is SqlTypeKind.Array or SqlTypeKind.Multiset or SqlTypeKind.Map or SqlTypeKind.Row
                && !SameIgnoringNullability(from, to) => throw new SqlValidationException($"CAST from {from} to {to} is not supported yet (elements would need converting)"),
            _ when from.ClrType == to.ClrType => x,
            _ => throw new SqlValidationException($"CAST from {from} to {to} is not supported yet"),
        };
    }

    /// <summary>Equal but for the nullability of elements and fields: such a cast does not touch the value.</summary>
    private static bool SameIgnoringNullability(SqlType a, SqlType b) =>
        a.Kind == b.Kind && a.Precision == b.Precision && a.Scale == b.Scale
        && (a.Element is null || b.Element is not null && SameIgnoringNullability(a.Element, b.Element))
        && (a.Value is null || b.Value is not null && SameIgnoringNullability(a.Value, b.Value))
        && a.Fields.Count == b.Fields.Count && a.Fields.Zip(b.Fields).All(p => SameIgnoringNullability(p.First.Type, p.Second.Type));

    private static Expression DateToMicros(Expression days) => Expression.Multiply(ConvertTo(days, typeof(long)), Expression.Constant(TimeMath.MicrosPerDay));

    private static Expression TruncateFraction(Expression micros, int precision)
    {
        if (precision >= 6)
            return micros;
        var unit = (long)Math.Pow(10, 6 - precision);
        return Expression.Multiply(Invoke(typeof(TimeMath), nameof(TimeMath.FloorDiv), micros, Expression.Constant(unit)), Expression.Constant(unit));
    }

    /// <summary>Numbers convert as Java's casts do: integers wrap, floating point saturates, DECIMAL rounds half-up and is NULL on overflow.</summary>
    private static Expression NumberToNumber(Expression x, SqlType from, SqlType to)
    {
        if (to.Kind == SqlTypeKind.Decimal)
        {
            if (from.IsApproximate)
                return Invoke(typeof(NumberCasts), nameof(NumberCasts.ToDecimal), ConvertTo(x, typeof(double)), Expression.Constant(to.Precision), Expression.Constant(to.Scale));
            return Invoke(typeof(Functions.Arithmetic), nameof(Functions.Arithmetic.Fit), ConvertTo(x, typeof(decimal)), Expression.Constant(to.Precision), Expression.Constant(to.Scale));
        }

        if (from.Kind == SqlTypeKind.Decimal && to.IsInteger)
            return ConvertTo(Invoke(typeof(Functions.Arithmetic), nameof(Functions.Arithmetic.DecimalToLong), x), to.ClrType);
        if (from.IsApproximate && to.Kind is SqlTypeKind.TinyInt or SqlTypeKind.SmallInt)
            return ConvertTo(ConvertTo(x, typeof(int)), to.ClrType);
        return ConvertTo(x, to.ClrType);
    }

    /// <summary>CAST(x AS STRING) as Flink writes each type.</summary>
    private Expression ToText(Expression x, SqlType from)
    {
        var format = typeof(ValueFormatting);
        return from.Kind switch
        {
            SqlTypeKind.Boolean or SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt
                or SqlTypeKind.Float or SqlTypeKind.Double => Invoke(format, nameof(ValueFormatting.Format), x),
            SqlTypeKind.Decimal => Invoke(format, nameof(ValueFormatting.Format), x, Expression.Constant(from.Scale)),
            SqlTypeKind.Date => Invoke(format, nameof(ValueFormatting.FormatDate), x),
            SqlTypeKind.Time => Invoke(format, nameof(ValueFormatting.FormatTime), x, Expression.Constant(from.Precision)),
            SqlTypeKind.Timestamp => Invoke(format, nameof(ValueFormatting.FormatTimestamp), x, Expression.Constant(from.Precision)),
            SqlTypeKind.TimestampLtz => Invoke(format, nameof(ValueFormatting.FormatTimestampLtz), x, Expression.Constant(from.Precision), Zone),
            SqlTypeKind.IntervalDayTime => Invoke(format, nameof(ValueFormatting.FormatDayTimeInterval), x),
            SqlTypeKind.IntervalYearMonth => Invoke(format, nameof(ValueFormatting.FormatYearMonthInterval), x),
            SqlTypeKind.Binary or SqlTypeKind.Varbinary => Invoke(format, nameof(ValueFormatting.FormatBytes), x),
            _ => Invoke(format, nameof(ValueFormatting.FormatValue), ConvertTo(x, typeof(object)), Expression.Constant(from), Zone),
        };
    }

    /// <summary>CAST(string AS type): fails the job naming the value when it does not parse.</summary>
    private Expression FromText(Expression s, SqlType to)
    {
        var parse = typeof(ValueParsing);
        return to.Kind switch
        {
            SqlTypeKind.Boolean => Invoke(parse, nameof(ValueParsing.ParseBoolean), s),
            SqlTypeKind.TinyInt => Invoke(parse, nameof(ValueParsing.ParseTinyInt), s),
            SqlTypeKind.SmallInt => Invoke(parse, nameof(ValueParsing.ParseSmallInt), s),
            SqlTypeKind.Int => Invoke(parse, nameof(ValueParsing.ParseInt), s),
            SqlTypeKind.BigInt => Invoke(parse, nameof(ValueParsing.ParseBigInt), s),
            SqlTypeKind.Float => Invoke(parse, nameof(ValueParsing.ParseFloat), s),
            SqlTypeKind.Double => Invoke(parse, nameof(ValueParsing.ParseDouble), s),
            SqlTypeKind.Decimal => Invoke(parse, nameof(ValueParsing.ParseDecimal), s, Expression.Constant(to.Precision), Expression.Constant(to.Scale)),
            SqlTypeKind.Date => Invoke(parse, nameof(ValueParsing.ParseDate), s),
            SqlTypeKind.Time => Invoke(parse, nameof(ValueParsing.ParseTime), s),
            SqlTypeKind.Timestamp => TruncateFraction(Invoke(parse, nameof(ValueParsing.ParseTimestamp), s), to.Precision),
            SqlTypeKind.TimestampLtz => TruncateFraction(Invoke(parse, nameof(ValueParsing.ParseTimestampLtz), s, Zone), to.Precision),
            SqlTypeKind.Binary or SqlTypeKind.Varbinary => Invoke(typeof(StringFunctions), nameof(StringFunctions.FitLength),
                Invoke(parse, nameof(ValueParsing.ParseBytes), s), Expression.Constant(to.Precision), Expression.Constant(to.Kind == SqlTypeKind.Binary)),
            _ => throw new SqlValidationException($"CAST from a string to {to} is not supported"),
        };
    }
}
