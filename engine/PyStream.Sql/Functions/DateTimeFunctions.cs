using System.Globalization;

namespace PyStream.Sql.Functions;

/// <summary>
/// EXTRACT, FLOOR/CEIL TO unit, TIMESTAMPADD/TIMESTAMPDIFF and the format functions, on wall-clock
/// microseconds (the compiled code converts DATE, TIME and TIMESTAMP_LTZ to those first).
/// </summary>
public static class DateTimeFunctions
{
    public const string DefaultTimestampFormat = "yyyy-MM-dd HH:mm:ss";
    public const string DefaultDateFormat = "yyyy-MM-dd";

    /// <summary>EXTRACT(unit FROM t) of a wall-clock time; DOW counts from Sunday = 1, as Flink.</summary>
    public static long Extract(string unit, long micros)
    {
        var time = TimeMath.ToDateTime(micros);
        var microsOfSecond = ((micros % TimeMath.MicrosPerSecond) + TimeMath.MicrosPerSecond) % TimeMath.MicrosPerSecond;
        return unit switch
        {
            "YEAR" => time.Year,
            "QUARTER" => (time.Month - 1) / 3 + 1,
            "MONTH" => time.Month,
            "WEEK" => ISOWeek.GetWeekOfYear(time),
            "DAY" => time.Day,
            "DOY" => time.DayOfYear,
            "DOW" => (int)time.DayOfWeek + 1,
            "ISODOW" => time.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)time.DayOfWeek,
            "ISOYEAR" => ISOWeek.GetYear(time),
            "HOUR" => time.Hour,
            "MINUTE" => time.Minute,
            "SECOND" => time.Second,
            "MILLISECOND" => time.Second * 1000L + microsOfSecond / 1000,
            "MICROSECOND" => time.Second * 1_000_000L + microsOfSecond,
            "NANOSECOND" => (time.Second * 1_000_000L + microsOfSecond) * 1000,
            "EPOCH" => TimeMath.FloorDiv(micros, TimeMath.MicrosPerSecond),
            "DECADE" => time.Year / 10,
            "CENTURY" => (time.Year + 99) / 100,
            "MILLENNIUM" => (time.Year + 999) / 1000,
            _ => throw new SqlRuntimeException($"EXTRACT does not support the unit {unit}"),
        };
    }

    /// <summary>EXTRACT from an INTERVAL DAY TO SECOND (milliseconds).</summary>
    public static long ExtractDayTime(string unit, long millis) => unit switch
    {
        "DAY" => millis / TimeMath.MillisPerDay,
        "HOUR" => millis / 3_600_000 % 24,
        "MINUTE" => millis / 60_000 % 60,
        "SECOND" => millis / 1000 % 60,
        "MILLISECOND" => millis % 60_000,
        "EPOCH" => millis / 1000,
        _ => throw new SqlRuntimeException($"EXTRACT({unit} FROM an INTERVAL DAY TO SECOND) is not supported"),
    };

    /// <summary>EXTRACT from an INTERVAL YEAR TO MONTH (months).</summary>
    public static long ExtractYearMonth(string unit, int months) => unit switch
    {
        "YEAR" => months / 12,
        "MONTH" => months % 12,
        "QUARTER" => months % 12 / 3 + 1,
        _ => throw new SqlRuntimeException($"EXTRACT({unit} FROM an INTERVAL YEAR TO MONTH) is not supported"),
    };

    /// <summary>FLOOR(t TO unit); weeks start on Sunday, as Calcite floors them.</summary>
    public static long Floor(long micros, string unit)
    {
        var time = TimeMath.ToDateTime(micros);
        return unit switch
        {
            "MILLENNIUM" => TimeMath.ToMicros(new DateTime(Math.Max(1, (time.Year - 1) / 1000 * 1000 + 1), 1, 1)),
            "CENTURY" => TimeMath.ToMicros(new DateTime(Math.Max(1, (time.Year - 1) / 100 * 100 + 1), 1, 1)),
            "DECADE" => TimeMath.ToMicros(new DateTime(Math.Max(1, time.Year / 10 * 10), 1, 1)),
            "YEAR" => TimeMath.ToMicros(new DateTime(time.Year, 1, 1)),
            "QUARTER" => TimeMath.ToMicros(new DateTime(time.Year, (time.Month - 1) / 3 * 3 + 1, 1)),
            "MONTH" => TimeMath.ToMicros(new DateTime(time.Year, time.Month, 1)),
            "WEEK" => TimeMath.ToMicros(time.Date.AddDays(-(int)time.DayOfWeek)),
            _ => micros - PositiveModulo(micros, UnitMicros(unit)),
        };
    }

    /// <summary>CEIL(t TO unit): t itself when already on a boundary, otherwise the next boundary.</summary>
    public static long Ceiling(long micros, string unit)
    {
        var floor = Floor(micros, unit);
        if (floor == micros)
            return micros;
        return unit switch
        {
            "MILLENNIUM" => TimeMath.AddMonths(floor, 12_000),
            "CENTURY" => TimeMath.AddMonths(floor, 1200),
            "DECADE" => TimeMath.AddMonths(floor, 120),
            "YEAR" => TimeMath.AddMonths(floor, 12),
            "QUARTER" => TimeMath.AddMonths(floor, 3),
            "MONTH" => TimeMath.AddMonths(floor, 1),
            "WEEK" => floor + 7 * TimeMath.MicrosPerDay,
            _ => floor + UnitMicros(unit),
        };
    }

    /// <summary>TIMESTAMPADD(unit, n, t).</summary>
    public static long Add(string unit, long amount, long micros) => unit switch
    {
        "YEAR" => TimeMath.AddMonths(micros, amount * 12),
        "QUARTER" => TimeMath.AddMonths(micros, amount * 3),
        "MONTH" => TimeMath.AddMonths(micros, amount),
        "WEEK" => micros + amount * 7 * TimeMath.MicrosPerDay,
        _ => micros + amount * UnitMicros(unit),
    };

    /// <summary>TIMESTAMPDIFF(unit, a, b): whole units from a to b, truncated toward zero.</summary>
    public static int Diff(string unit, long a, long b)
    {
        switch (unit)
        {
            case "YEAR":
                return MonthsBetween(a, b) / 12;
            case "QUARTER":
                return MonthsBetween(a, b) / 3;
            case "MONTH":
                return MonthsBetween(a, b);
            case "WEEK":
                return (int)((b - a) / (7 * TimeMath.MicrosPerDay));
            default:
                return unchecked((int)((b - a) / UnitMicros(unit)));
        }
    }

    /// <summary>DATE_FORMAT and FROM_UNIXTIME: a wall-clock time in a Java SimpleDateFormat pattern.</summary>
    public static string Format(long micros, string pattern) => JavaDateFormat.For(pattern).Format(TimeMath.ToDateTime(micros));

    public static string Format(long micros, JavaDateFormat format) => format.Format(TimeMath.ToDateTime(micros));

    /// <summary>DATE_FORMAT(string, pattern): the string read as a timestamp first; NULL when it is not one.</summary>
    public static string? FormatString(string timestamp, string pattern) =>
        ValueParsing.TryParseTimestamp(timestamp, out var micros) ? Format(micros, pattern) : null;

    /// <summary>TO_TIMESTAMP(s[, pattern]): NULL when s does not match.</summary>
    public static long? ParseTimestamp(string s, string pattern) =>
        JavaDateFormat.For(pattern).TryParse(s, out var time) ? TimeMath.ToMicros(time) : null;

    public static long? ParseTimestamp(string s) => ParseTimestamp(s, DefaultTimestampFormat);

    public static int? ParseDate(string s, string pattern) =>
        JavaDateFormat.For(pattern).TryParse(s, out var time) ? TimeMath.ToDays(time) : null;

    public static int? ParseDate(string s) => ParseDate(s, DefaultDateFormat);

    /// <summary>UNIX_TIMESTAMP(s[, pattern]): seconds since the epoch of s read in the session time zone.</summary>
    public static long? UnixTimestamp(string s, string pattern, TimeZoneInfo zone) =>
        ParseTimestamp(s, pattern) is { } local ? TimeMath.FloorDiv(TimeMath.ToInstant(local, zone), TimeMath.MicrosPerSecond) : null;

    public static long? UnixTimestamp(string s, TimeZoneInfo zone) => UnixTimestamp(s, DefaultTimestampFormat, zone);

    /// <summary>FROM_UNIXTIME(seconds[, pattern]) in the session time zone.</summary>
    public static string FromUnixTime(long seconds, string pattern, TimeZoneInfo zone) =>
        Format(TimeMath.ToLocal(seconds * TimeMath.MicrosPerSecond, zone), pattern);

    public static string FromUnixTime(long seconds, TimeZoneInfo zone) => FromUnixTime(seconds, DefaultTimestampFormat, zone);

    /// <summary>TO_TIMESTAMP_LTZ(n, precision): n seconds (precision 0) or milliseconds (3) since the epoch.</summary>
    public static long ToTimestampLtz(double value, int precision) => precision switch
    {
        0 => (long)Math.Floor(value * 1000) * TimeMath.MicrosPerMilli,
        3 => (long)Math.Floor(value) * TimeMath.MicrosPerMilli,
        _ => throw new SqlRuntimeException($"TO_TIMESTAMP_LTZ supports precision 0 (seconds) or 3 (milliseconds), got {precision}"),
    };

    public static long ToTimestampLtz(long value, int precision) => precision switch
    {
        0 => value * TimeMath.MicrosPerSecond,
        3 => value * TimeMath.MicrosPerMilli,
        _ => throw new SqlRuntimeException($"TO_TIMESTAMP_LTZ supports precision 0 (seconds) or 3 (milliseconds), got {precision}"),
    };

    private static int MonthsBetween(long a, long b)
    {
        var (from, to) = (TimeMath.ToDateTime(a), TimeMath.ToDateTime(b));
        var months = (to.Year - from.Year) * 12 + to.Month - from.Month;
        var fromRest = from - new DateTime(from.Year, from.Month, 1);
        var toRest = to - new DateTime(to.Year, to.Month, 1);
        if (months > 0 && toRest < fromRest)
            months--;
        else if (months < 0 && toRest > fromRest)
            months++;
        return months;
    }

    private static long UnitMicros(string unit) => unit switch
    {
        "DAY" => TimeMath.MicrosPerDay,
        "HOUR" => 3_600_000_000,
        "MINUTE" => 60_000_000,
        "SECOND" => TimeMath.MicrosPerSecond,
        "MILLISECOND" => TimeMath.MicrosPerMilli,
        "MICROSECOND" => 1,
        _ => throw new SqlRuntimeException($"The time unit {unit} is not supported here"),
    };

    private static long PositiveModulo(long a, long b) => ((a % b) + b) % b;
}
