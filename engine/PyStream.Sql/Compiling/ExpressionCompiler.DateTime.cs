using System.Linq.Expressions;
using PyStream.Sql.Functions;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Compiling;

/// <summary>The date and time functions; each converts its operand to wall-clock microseconds and back (see <see cref="ToWallMicros"/>).</summary>
internal sealed partial class ExpressionCompiler
{
    private static readonly Type Dates = typeof(DateTimeFunctions);

    private CompiledValue? DateTimeFunction(CallExpr call, List<Expression> block)
    {
        var operands = call.Operands;
        switch (call.Function)
        {
            case "CURRENT_TIMESTAMP" or "NOW" or "PROCTIME":
                return new(ClockMicros(local: false), null);
            case "LOCALTIMESTAMP":
                return new(ClockMicros(local: true), null);
            case "CURRENT_DATE":
                return new(Store(Invoke(typeof(TimeMath), nameof(TimeMath.DaysOf), ClockMicros(local: true)), block), null);
            case "CURRENT_TIME" or "LOCALTIME":
                var millis = Invoke(typeof(TimeMath), nameof(TimeMath.MillisOfDay), ClockMicros(local: true));
                return new(Store(Expression.Multiply(Expression.Divide(millis, Expression.Constant(1000)), Expression.Constant(1000)), block), null);
            case "EXTRACT":
                return Extract(UnitOf(operands[0]), call with { Operands = [operands[1]] }, block);
            case "YEAR" or "QUARTER" or "MONTH" or "WEEK" or "HOUR" or "MINUTE" or "SECOND":
                return Extract(call.Function, call, block);
            case "DAYOFYEAR" or "DAYOFMONTH" or "DAYOFWEEK":
                return Extract(call.Function switch { "DAYOFYEAR" => "DOY", "DAYOFMONTH" => "DAY", _ => "DOW" }, call, block);
            case "TIMESTAMPADD":
            {
                var unit = Expression.Constant(UnitOf(operands[0]));
                var target = operands[2].Type;
                return Strict(call with { Operands = operands.Skip(1).ToList() }, block, args =>
                    FromWallMicros(Invoke(Dates, nameof(DateTimeFunctions.Add), unit, ConvertTo(args[0], typeof(long)), ToWallMicros(args[1], target)), target));
            }

            case "TIMESTAMPDIFF":
            {
                var unit = Expression.Constant(UnitOf(operands[0]));
                var (a, b) = (operands[1].Type, operands[2].Type);
                return Strict(call with { Operands = operands.Skip(1).ToList() }, block, args =>
                    Invoke(Dates, nameof(DateTimeFunctions.Diff), unit, ToWallMicros(args[0], a), ToWallMicros(args[1], b)));
            }

            case "DATE_FORMAT":
                return Strict(call, block, args =>
                {
                    var pattern = operands[1] is Literal { Value: string text } ? Expression.Constant(JavaDateFormat.For(text)) : args[1];
                    return operands[0].Type.IsCharacter
                        ? Invoke(Dates, nameof(DateTimeFunctions.FormatString), args[0], args[1])
                        : Invoke(Dates, nameof(DateTimeFunctions.Format), ToWallMicros(args[0], operands[0].Type), pattern);
                });
            case "TO_TIMESTAMP":
                return Strict(call, block, args => Invoke(Dates, nameof(DateTimeFunctions.ParseTimestamp), args.ToArray()));
            case "TO_DATE":
                return Strict(call, block, args => Invoke(Dates, nameof(DateTimeFunctions.ParseDate), args.ToArray()));
            case "TO_TIMESTAMP_LTZ":
                return Strict(call, block, args => Invoke(Dates, nameof(DateTimeFunctions.ToTimestampLtz),
                    operands[0].Type.IsInteger ? ConvertTo(args[0], typeof(long)) : ConvertTo(args[0], typeof(double)),
                    args.Count > 1 ? ConvertTo(args[1], typeof(int)) : Expression.Constant(3)));
            case "UNIX_TIMESTAMP" when operands.Count == 0:
                return new(Store(Invoke(typeof(TimeMath), nameof(TimeMath.FloorDiv), ClockMicros(local: false), Expression.Constant(TimeMath.MicrosPerSecond)), block), null);
            case "UNIX_TIMESTAMP":
                return Strict(call, block, args => Invoke(Dates, nameof(DateTimeFunctions.UnixTimestamp), [.. args, Zone]));
            case "FROM_UNIXTIME":
                return Strict(call, block, args => Invoke(Dates, nameof(DateTimeFunctions.FromUnixTime), [ConvertTo(args[0], typeof(long)), .. args.Skip(1), Zone]));
            default:
                return null;
        }
    }

    /// <summary>EXTRACT(unit FROM x) of a date-time or an interval, as BIGINT.</summary>
    private CompiledValue Extract(string unit, CallExpr call, List<Expression> block)
    {
        var type = call.Operands[0].Type;
        var constant = Expression.Constant(unit);
        return Strict(call, block, args => type.Kind switch
        {
            SqlTypeKind.IntervalDayTime => Invoke(Dates, nameof(DateTimeFunctions.ExtractDayTime), constant, args[0]),
            SqlTypeKind.IntervalYearMonth => Invoke(Dates, nameof(DateTimeFunctions.ExtractYearMonth), constant, args[0]),
            _ => Invoke(Dates, nameof(DateTimeFunctions.Extract), constant, ToWallMicros(args[0], type)),
        });
    }

    private static string UnitOf(BoundExpr unit) =>
        unit is Literal { Value: string text } ? text.ToUpperInvariant() : throw new SqlValidationException("A time unit must be a literal");
}
