using System.Linq.Expressions;
using PyStream.Sql.Functions;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Compiling;

/// <summary>+ - * / MOD and NEGATE on numbers, date-times and intervals.</summary>
internal sealed partial class ExpressionCompiler
{
    private CompiledValue Arithmetic(CallExpr call, List<Expression> block)
    {
        var (aType, bType) = (call.Operands[0].Type, call.Operands[1].Type);
        var op = call.Function;
        var result = call.Type;
        if (result.IsNumeric && (aType.IsNumeric || aType.Kind == SqlTypeKind.Null) && (bType.IsNumeric || bType.Kind == SqlTypeKind.Null))
            return Strict(call, block, args => Numeric(op, args[0], args[1], result));
        return Strict(call, block, args => Temporal(op, args[0], aType, args[1], bType, result));
    }

    private static Expression Numeric(string op, Expression a, Expression b, SqlType result)
    {
        var math = typeof(Functions.Arithmetic);
        if (result.Kind == SqlTypeKind.Decimal)
        {
            var name = op switch
            {
                "+" => nameof(Functions.Arithmetic.Add),
                "-" => nameof(Functions.Arithmetic.Subtract),
                "*" => nameof(Functions.Arithmetic.Multiply),
                "/" => nameof(Functions.Arithmetic.Divide),
                _ => nameof(Functions.Arithmetic.Remainder),
            };
            return Invoke(math, name, ConvertTo(a, typeof(decimal)), ConvertTo(b, typeof(decimal)), Expression.Constant(result.Precision), Expression.Constant(result.Scale));
        }

        var clr = result.ClrType;
        if (op == "MOD")
        {
            // Java computes in the wider operand type, then narrows to the divisor's type.
            var wide = a.Type == typeof(long) || b.Type == typeof(long) ? typeof(long) : typeof(int);
            return ConvertTo(Invoke(math, nameof(Functions.Arithmetic.Remainder), ConvertTo(a, wide), ConvertTo(b, wide)), clr);
        }

        var compute = clr == typeof(sbyte) || clr == typeof(short) ? typeof(int) : clr;
        var (left, right) = (ConvertTo(a, compute), ConvertTo(b, compute));
        Expression value = op switch
        {
            "+" => Expression.Add(left, right),
            "-" => Expression.Subtract(left, right),
            "*" => Expression.Multiply(left, right),
            _ when compute == typeof(int) || compute == typeof(long) => Invoke(math, nameof(Functions.Arithmetic.Divide), left, right),
            _ => Expression.Divide(left, right),
        };
        return ConvertTo(value, clr);
    }

    /// <summary>date-time ± interval (months on the calendar, milliseconds on the clock), interval ± interval, interval * / number.</summary>
    private Expression Temporal(string op, Expression a, SqlType aType, Expression b, SqlType bType, SqlType result)
    {
        var minus = op == "-";
        if (aType.IsInterval && !bType.IsInterval && !bType.IsNumeric)
            (a, aType, b, bType) = (b, bType, a, aType);
        if (aType.IsInterval && bType.IsInterval)
            return minus ? Expression.Subtract(a, b) : Expression.Add(a, b);
        if (aType.IsInterval || bType.IsInterval && aType.IsNumeric)
        {
            var (interval, number) = aType.IsInterval ? (a, b) : (b, a);
            var scaled = op == "/"
                ? Expression.Divide(ConvertTo(interval, typeof(double)), ConvertTo(number, typeof(double)))
                : Expression.Multiply(ConvertTo(interval, typeof(double)), ConvertTo(number, typeof(double)));
            return ConvertTo(Expression.Call(typeof(Math).GetMethod(nameof(Math.Round), [typeof(double)])!, scaled), result.ClrType);
        }

        var time = typeof(TimeMath);
        if (bType.Kind == SqlTypeKind.IntervalYearMonth)
        {
            var months = ConvertTo(minus ? Expression.Negate(b) : b, typeof(long));
            return aType.Kind == SqlTypeKind.Date
                ? Invoke(time, nameof(TimeMath.AddMonthsToDate), a, months)
                : FromWallMicros(Invoke(time, nameof(TimeMath.AddMonths), ToWallMicros(a, aType), months), aType);
        }

        var millis = minus ? Expression.Negate(b) : b;
        return aType.Kind switch
        {
            SqlTypeKind.Date => ConvertTo(Expression.Add(ConvertTo(a, typeof(long)),
                Invoke(time, nameof(TimeMath.FloorDiv), millis, Expression.Constant((long)TimeMath.MillisPerDay))), typeof(int)),
            SqlTypeKind.Time => ConvertTo(PositiveModulo(Expression.Add(ConvertTo(a, typeof(long)), millis), TimeMath.MillisPerDay), typeof(int)),
            _ => Expression.Add(a, Expression.Multiply(millis, Expression.Constant(TimeMath.MicrosPerMilli))),
        };
    }

    private static Expression PositiveModulo(Expression value, long divisor)
    {
        var d = Expression.Constant(divisor);
        return Expression.Modulo(Expression.Add(Expression.Modulo(value, d), d), d);
    }

    /// <summary>A date-time as wall-clock microseconds: DATE at midnight, TIME on 1970-01-01, TIMESTAMP_LTZ in the session zone.</summary>
    private Expression ToWallMicros(Expression x, SqlType type) => type.Kind switch
    {
        SqlTypeKind.Date => DateToMicros(x),
        SqlTypeKind.Time => Expression.Multiply(ConvertTo(x, typeof(long)), Expression.Constant(TimeMath.MicrosPerMilli)),
        SqlTypeKind.TimestampLtz => Invoke(typeof(TimeMath), nameof(TimeMath.ToLocal), x, Zone),
        _ => x,
    };

    private Expression FromWallMicros(Expression micros, SqlType type) => type.Kind switch
    {
        SqlTypeKind.Date => Invoke(typeof(TimeMath), nameof(TimeMath.DaysOf), micros),
        SqlTypeKind.Time => Invoke(typeof(TimeMath), nameof(TimeMath.MillisOfDay), micros),
        SqlTypeKind.TimestampLtz => Invoke(typeof(TimeMath), nameof(TimeMath.ToInstant), micros, Zone),
        _ => micros,
    };

    private CompiledValue Negate(CallExpr call, List<Expression> block) => Strict(call, block, args =>
    {
        var clr = call.Type.ClrType;
        var compute = clr == typeof(sbyte) || clr == typeof(short) ? typeof(int) : clr;
        return ConvertTo(Expression.Negate(ConvertTo(args[0], compute)), clr);
    });
}
