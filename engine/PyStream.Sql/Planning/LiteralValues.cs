using System.Globalization;
using PyStream.Sql.Ast;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>Literals as written to values and types, as Flink types them (42 INT, 4.20 DECIMAL(3, 2), 'ab' CHAR(2)).</summary>
public static class LiteralValues
{
    public static Literal Numeric(NumericLiteral n)
    {
        switch (n.Kind)
        {
            case NumericKind.Integer when int.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i):
                return new Literal(i, SqlType.Int.NotNull);
            case NumericKind.Integer when long.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                return new Literal(l, SqlType.BigInt.NotNull);
            case NumericKind.Approximate:
                return new Literal(double.Parse(n.Text, NumberStyles.Float, CultureInfo.InvariantCulture), SqlType.Double.NotNull);
            default:
                if (!decimal.TryParse(n.Text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d))
                    throw new SqlValidationException($"numeric literal {n.Text} is out of range", n.Position);
                var text = n.Text.TrimStart('-').TrimStart('0');
                var point = text.IndexOf('.');
                var scale = point < 0 ? 0 : text.Length - point - 1;
                var digits = text.Replace(".", "", StringComparison.Ordinal).TrimStart('0').Length;
                var precision = Math.Max(Math.Max(digits, scale), 1);
                if (precision > SqlType.DecimalValueDigits)
                    throw new SqlValidationException($"numeric literal {n.Text} has more than the {SqlType.DecimalValueDigits} digits PyStream's DECIMAL values hold", n.Position);
                return new Literal(d, SqlType.Decimal(precision, scale).NotNull);
        }
    }

    /// <summary>'abc' is CHAR(3) NOT NULL; the empty string, which CHAR cannot hold, is VARCHAR(0) in Flink: VARCHAR(1) here.</summary>
    public static Literal String(string value) =>
        new(value, value.Length == 0 ? SqlType.Varchar(1).NotNull : SqlType.Char(value.Length).NotNull);

    public static Literal Typed(TypedLiteral t)
    {
        try
        {
            return t.Kind switch
            {
                TypedLiteralKind.Date => new Literal(Days(DateOnly.ParseExact(t.Value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture)), SqlType.Date.NotNull),
                TypedLiteralKind.Time => Time(t.Value.Trim()),
                _ => Timestamp(t.Value.Trim()),
            };
        }
        catch (FormatException)
        {
            throw new SqlValidationException($"'{t.Value}' is not a valid {t.Kind.ToString().ToUpperInvariant()} literal", t.Position);
        }
    }

    public static int Days(DateOnly date) => date.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private static Literal Time(string text)
    {
        var (whole, fraction) = SplitFraction(text);
        var time = TimeOnly.ParseExact(whole, ["HH:mm:ss", "HH:mm"], CultureInfo.InvariantCulture);
        var ms = (int)(time.Ticks / TimeSpan.TicksPerMillisecond) + (int)(FractionMicros(fraction) / 1000);
        return new Literal(ms, SqlType.Time(Math.Min(fraction.Length, 3)).NotNull);
    }

    private static Literal Timestamp(string text)
    {
        var (whole, fraction) = SplitFraction(text);
        var at = DateTime.ParseExact(whole, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var micros = ((at - DateTime.UnixEpoch).Ticks / 10) + FractionMicros(fraction);
        return new Literal(micros, SqlType.Timestamp(fraction.Length).NotNull);
    }

    private static (string Whole, string Fraction) SplitFraction(string text)
    {
        var dot = text.LastIndexOf('.');
        return dot > text.LastIndexOf(':') ? (text[..dot], text[(dot + 1)..]) : (text, "");
    }

    private static long FractionMicros(string fraction)
    {
        if (fraction.Length == 0)
            return 0;
        if (fraction.Length > 9 || !fraction.All(char.IsAsciiDigit))
            throw new FormatException();
        return long.Parse(fraction.PadRight(9, '0')[..6], CultureInfo.InvariantCulture);
    }

    /// <summary>INTERVAL '5' SECOND is 5000 ms (DAY TO SECOND); INTERVAL '1-6' YEAR TO MONTH is 18 months.</summary>
    public static Literal Interval(IntervalLiteral interval)
    {
        var q = interval.Qualifier;
        var sign = interval.Negative ? -1 : 1;
        var text = interval.Value.Trim();
        if (text.StartsWith('-'))
        {
            sign = -sign;
            text = text[1..];
        }

        try
        {
            if (q.Start is TimeUnit.Year or TimeUnit.Month)
            {
                var parts = text.Split('-');
                var months = q.Start == TimeUnit.Month ? Parse(parts[0])
                    : q.End == TimeUnit.Month ? (Parse(parts[0]) * 12) + Parse(parts[1])
                    : Parse(parts[0]) * 12;
                return new Literal((int)(sign * months), SqlType.IntervalYearMonth.NotNull);
            }

            var units = new List<TimeUnit>();
            for (var u = q.Start; ; u = Next(u))
            {
                units.Add(u);
                if (u == (q.End ?? q.Start))
                    break;
            }

            var fields = text.Split([' ', ':'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != units.Count)
                throw new FormatException();
            double ms = 0;
            for (var i = 0; i < units.Count; i++)
                ms += double.Parse(fields[i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) * MillisOf(units[i]);
            return new Literal(sign * (long)Math.Round(ms), SqlType.IntervalDayTime.NotNull);
        }
        catch (Exception error) when (error is FormatException or IndexOutOfRangeException or OverflowException)
        {
            throw new SqlValidationException($"'{interval.Value}' is not a valid interval of {q.Start}{(q.End is { } end ? $" TO {end}" : "")}", interval.Position);
        }
    }

    private static long Parse(string text) => long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    private static TimeUnit Next(TimeUnit unit) => unit switch
    {
        TimeUnit.Day => TimeUnit.Hour,
        TimeUnit.Hour => TimeUnit.Minute,
        TimeUnit.Minute => TimeUnit.Second,
        _ => throw new FormatException(),
    };

    public static long MillisOf(TimeUnit unit) => unit switch
    {
        TimeUnit.Week => 7 * 86_400_000L,
        TimeUnit.Day => 86_400_000L,
        TimeUnit.Hour => 3_600_000L,
        TimeUnit.Minute => 60_000L,
        TimeUnit.Second => 1000L,
        TimeUnit.Millisecond => 1L,
        _ => throw new FormatException(),
    };
}
