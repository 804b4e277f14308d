using System.Globalization;
using System.Text;

namespace PyStream.Sql.Functions;

/// <summary>
/// CAST(string AS type) as Flink 1.15+ reads strings: surrounding spaces are ignored, a value that
/// does not parse fails the job naming the value and the type (TRY_CAST turns that into NULL).
/// </summary>
public static class ValueParsing
{
    private static readonly string[] TrueWords = ["t", "true", "y", "yes", "1"];
    private static readonly string[] FalseWords = ["f", "false", "n", "no", "0"];

    public static bool ParseBoolean(string s)
    {
        var word = s.Trim();
        if (TrueWords.Any(w => w.Equals(word, StringComparison.OrdinalIgnoreCase)))
            return true;
        if (FalseWords.Any(w => w.Equals(word, StringComparison.OrdinalIgnoreCase)))
            return false;
        throw Invalid(s, "BOOLEAN");
    }

    /// <summary>An integer; a fraction is dropped (CAST('1.9' AS INT) is 1), as Flink's string-to-integer cast does.</summary>
    public static long ParseInteger(string s, string typeName, long min, long max)
    {
        var text = s.Trim();
        var point = text.IndexOf('.', StringComparison.Ordinal);
        if (point >= 0 && text[(point + 1)..].All(char.IsAsciiDigit))
            text = text[..point];
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw Invalid(s, typeName);
        return value;
    }

    public static int ParseInt(string s) => (int)ParseInteger(s, "INT", int.MinValue, int.MaxValue);

    public static long ParseBigInt(string s) => ParseInteger(s, "BIGINT", long.MinValue, long.MaxValue);

    public static short ParseSmallInt(string s) => (short)ParseInteger(s, "SMALLINT", short.MinValue, short.MaxValue);

    public static sbyte ParseTinyInt(string s) => (sbyte)ParseInteger(s, "TINYINT", sbyte.MinValue, sbyte.MaxValue);

    public static double ParseDouble(string s)
    {
        var text = s.Trim();
        var value = text switch
        {
            "NaN" => double.NaN,
            "Infinity" or "+Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => double.TryParse(text.TrimEnd('d', 'D', 'f', 'F'), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                ? parsed : throw Invalid(s, "DOUBLE"),
        };
        return value;
    }

    public static float ParseFloat(string s) => (float)ParseDouble(s);

    /// <summary>A DECIMAL(p, s), rounded half-up; NULL when it has too many digits (Flink's overflow).</summary>
    public static decimal? ParseDecimal(string s, int precision, int scale)
    {
        if (!decimal.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw Invalid(s, $"DECIMAL({precision}, {scale})");
        return Arithmetic.Fit(value, precision, scale);
    }

    /// <summary>yyyy-[M]M-[d]d.</summary>
    public static int ParseDate(string s) =>
        TryParseDate(s.Trim(), out var days) ? days : throw Invalid(s, "DATE");

    /// <summary>[H]H:[m]m[:[s]s[.fff]].</summary>
    public static int ParseTime(string s) =>
        TryParseTime(s.Trim(), out var millis) ? (int)(millis / 1000) : throw Invalid(s, "TIME");

    /// <summary>yyyy-MM-dd[( |T)HH:mm[:ss[.fffffffff]]], wall-clock microseconds.</summary>
    public static long ParseTimestamp(string s) =>
        TryParseTimestamp(s, out var micros) ? micros : throw Invalid(s, "TIMESTAMP");

    public static long ParseTimestampLtz(string s, TimeZoneInfo zone) =>
        TryParseTimestamp(s, out var micros) ? TimeMath.ToInstant(micros, zone) : throw Invalid(s, "TIMESTAMP_LTZ");

    public static byte[] ParseBytes(string s) => Encoding.UTF8.GetBytes(s);

    public static bool TryParseTimestamp(string s, out long micros)
    {
        var text = s.Trim();
        micros = 0;
        var split = text.IndexOfAny([' ', 'T']);
        var datePart = split < 0 ? text : text[..split];
        if (!TryParseDate(datePart, out var days))
            return false;
        long timeMicros = 0;
        if (split >= 0 && !TryParseTime(text[(split + 1)..].Trim(), out timeMicros))
            return false;
        micros = days * TimeMath.MicrosPerDay + timeMicros;
        return true;
    }

    private static bool TryParseDate(string text, out int days)
    {
        days = 0;
        var parts = text.Split('-');
        if (parts.Length != 3 || !parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit))
            || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var year) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out var day)
            || year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return false;
        days = TimeMath.ToDays(new DateTime(year, month, day));
        return true;
    }

    /// <summary>Microseconds of the day.</summary>
    private static bool TryParseTime(string text, out long micros)
    {
        micros = 0;
        var fraction = "";
        var point = text.IndexOf('.', StringComparison.Ordinal);
        if (point >= 0)
        {
            fraction = text[(point + 1)..];
            text = text[..point];
            if (fraction.Length is 0 or > 9 || !fraction.All(char.IsAsciiDigit))
                return false;
        }

        var parts = text.Split(':');
        if (parts.Length is < 2 or > 3 || !parts.All(p => p.Length is 1 or 2 && p.All(char.IsAsciiDigit)))
            return false;
        var hour = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var minute = int.Parse(parts[1], CultureInfo.InvariantCulture);
        var second = parts.Length == 3 ? int.Parse(parts[2], CultureInfo.InvariantCulture) : 0;
        if (hour > 23 || minute > 59 || second > 59)
            return false;
        var fractionMicros = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(9, '0')[..6], CultureInfo.InvariantCulture);
        micros = ((hour * 60L + minute) * 60 + second) * TimeMath.MicrosPerSecond + fractionMicros;
        return true;
    }

    private static SqlRuntimeException Invalid(string value, string typeName) =>
        new($"Cannot cast '{value}' to {typeName}: it is not a valid {typeName} value");
}
