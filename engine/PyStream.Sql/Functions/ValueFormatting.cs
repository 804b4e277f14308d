using System.Collections;
using System.Globalization;
using System.Text;
using PyStream.Sql.Types;

namespace PyStream.Sql.Functions;

/// <summary>
/// CAST(x AS STRING) as Flink 1.15+ writes values: DOUBLE like Java's Double.toString (1.0E-5, 2.5,
/// 1.0E7), DECIMAL with its scale, BOOLEAN as TRUE/FALSE, TIMESTAMP with its precision's fraction,
/// arrays as [1, 2], maps as {k=v}, rows as (1, a).
/// </summary>
public static class ValueFormatting
{
    public static string Format(bool value) => value ? "TRUE" : "FALSE";

    public static string Format(sbyte value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(short value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The decimal rounded half-up to <paramref name="scale"/> digits, written with exactly that many (DecimalData.toString).</summary>
    public static string Format(decimal value, int scale) =>
        decimal.Round(value, scale, MidpointRounding.AwayFromZero).ToString("F" + scale.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Format(double value) => JavaFloatingPoint(value, value.ToString("R", CultureInfo.InvariantCulture));

    public static string Format(float value) => JavaFloatingPoint(value, value.ToString("R", CultureInfo.InvariantCulture));

    public static string FormatDate(int days) => TimeMath.DateToDateTime(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string FormatTime(int millisOfDay, int precision)
    {
        var time = DateTime.UnixEpoch.AddMilliseconds(millisOfDay);
        return time.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + Fraction(millisOfDay % 1000 * 1000L, precision);
    }

    public static string FormatTimestamp(long micros, int precision)
    {
        var time = TimeMath.ToDateTime(micros);
        var fraction = (int)(((micros % TimeMath.MicrosPerSecond) + TimeMath.MicrosPerSecond) % TimeMath.MicrosPerSecond);
        return time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + Fraction(fraction, precision);
    }

    public static string FormatTimestampLtz(long micros, int precision, TimeZoneInfo zone) =>
        FormatTimestamp(TimeMath.ToLocal(micros, zone), precision);

    /// <summary>INTERVAL DAY TO SECOND as Flink prints it: +1 02:03:04.000.</summary>
    public static string FormatDayTimeInterval(long millis)
    {
        var sign = millis < 0 ? '-' : '+';
        var span = TimeSpan.FromMilliseconds(Math.Abs((double)millis));
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{(long)span.TotalDays} {span.Hours:00}:{span.Minutes:00}:{span.Seconds:00}.{span.Milliseconds:000}");
    }

    /// <summary>INTERVAL YEAR TO MONTH as Flink prints it: +1-02.</summary>
    public static string FormatYearMonthInterval(int months)
    {
        var sign = months < 0 ? '-' : '+';
        var abs = Math.Abs((long)months);
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{abs / 12}-{abs % 12:00}");
    }

    public static string FormatBytes(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Any value of <paramref name="type"/> in its CLR representation (null writes NULL): the slow path for nested values.</summary>
    public static string FormatValue(object? value, SqlType type, TimeZoneInfo zone) => value switch
    {
        null => "NULL",
        bool b => Format(b),
        sbyte or short or int or long when type.IsInteger => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        int days when type.Kind == SqlTypeKind.Date => FormatDate(days),
        int millis when type.Kind == SqlTypeKind.Time => FormatTime(millis, type.Precision),
        int months when type.Kind == SqlTypeKind.IntervalYearMonth => FormatYearMonthInterval(months),
        long micros when type.Kind == SqlTypeKind.Timestamp => FormatTimestamp(micros, type.Precision),
        long micros when type.Kind == SqlTypeKind.TimestampLtz => FormatTimestampLtz(micros, type.Precision, zone),
        long millis when type.Kind == SqlTypeKind.IntervalDayTime => FormatDayTimeInterval(millis),
        float f => Format(f),
        double d => Format(d),
        decimal m => Format(m, type.Scale),
        string s => s,
        byte[] bytes => FormatBytes(bytes),
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k =>
            $"{FormatValue(k, type.Element ?? SqlType.String, zone)}={FormatValue(map[k], type.Value ?? SqlType.String, zone)}")) + "}",
        object?[] items when type.Kind == SqlTypeKind.Row =>
            "(" + string.Join(", ", items.Select((item, i) => FormatValue(item, i < type.Fields.Count ? type.Fields[i].Type : SqlType.String, zone))) + ")",
        object?[] items => "[" + string.Join(", ", items.Select(item => FormatValue(item, type.Element ?? SqlType.String, zone))) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "NULL",
    };

    private static string Fraction(long micros, int precision)
    {
        if (precision <= 0)
            return "";
        var digits = micros.ToString("000000", CultureInfo.InvariantCulture);
        return "." + (precision <= 6 ? digits[..precision] : digits.PadRight(precision, '0'));
    }

    /// <summary>
    /// Java's Double.toString: plain notation with at least one fractional digit for 1e-3 &lt;= |x| &lt; 1e7,
    /// otherwise d.dddE±n; the digits are the shortest that read back as the same value (what .NET's "R" gives).
    /// </summary>
    private static string JavaFloatingPoint(double value, string roundTrip)
    {
        if (double.IsNaN(value))
            return "NaN";
        if (double.IsInfinity(value))
            return value > 0 ? "Infinity" : "-Infinity";
        if (value == 0)
            return double.IsNegative(value) ? "-0.0" : "0.0";
        var negative = roundTrip[0] == '-';
        var text = negative ? roundTrip[1..] : roundTrip;
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var point = text.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? text : text.Remove(point, 1);
        var pointPosition = (point < 0 ? text.Length : point) + exponent;
        var firstNonZero = 0;
        while (firstNonZero < digits.Length - 1 && digits[firstNonZero] == '0')
            firstNonZero++;
        pointPosition -= firstNonZero;
        digits = digits[firstNonZero..].TrimEnd('0');
        if (digits.Length == 0)
            digits = "0";

        // The value is 0.digits * 10^pointPosition.
        var scientificExponent = pointPosition - 1;
        string result;
        if (scientificExponent is >= -3 and < 7)
        {
            if (pointPosition <= 0)
                result = "0." + new string('0', -pointPosition) + digits;
            else if (pointPosition >= digits.Length)
                result = digits + new string('0', pointPosition - digits.Length) + ".0";
            else
                result = digits[..pointPosition] + "." + digits[pointPosition..];
        }
        else
        {
            var mantissa = digits.Length == 1 ? digits + ".0" : digits[..1] + "." + digits[1..];
            result = mantissa + "E" + scientificExponent.ToString(CultureInfo.InvariantCulture);
        }

        return negative ? "-" + result : result;
    }
}
