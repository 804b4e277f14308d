using System.Globalization;
using PyStream.Sql.Types;

namespace PyStream.Sql.Formats;

/// <summary>
/// Values of the formats' text (CSV fields, JSON strings and numbers) to and from their CLR
/// representation, with the formats' default (SQL) timestamp syntax: <c>2024-01-01 10:00:00.123</c>.
/// </summary>
public static class TextValues
{
    private static readonly DateTime Epoch = DateTime.UnixEpoch;

    public static object Parse(string text, SqlType type)
    {
        var s = text.Trim();
        return type.Kind switch
        {
            SqlTypeKind.Boolean => bool.Parse(s),
            SqlTypeKind.TinyInt => sbyte.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            SqlTypeKind.SmallInt => short.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            SqlTypeKind.Int => int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            SqlTypeKind.BigInt => long.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            SqlTypeKind.Float => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
            SqlTypeKind.Double => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
            SqlTypeKind.Decimal => Math.Round(decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture), type.Scale, MidpointRounding.AwayFromZero),
            SqlTypeKind.Char or SqlTypeKind.Varchar => text,
            SqlTypeKind.Binary or SqlTypeKind.Varbinary => Convert.FromBase64String(s),
            SqlTypeKind.Date => (int)(DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber - DateOnly.FromDateTime(Epoch).DayNumber),
            SqlTypeKind.Time => (int)(TimeOnly.Parse(s, CultureInfo.InvariantCulture).Ticks / TimeSpan.TicksPerMillisecond),
            SqlTypeKind.Timestamp => TimestampMicros(s, utc: false),
            SqlTypeKind.TimestampLtz => TimestampMicros(s, utc: true),
            _ => throw new FormatException($"values of type {type} cannot be read from text"),
        };
    }

    /// <summary>'2024-01-01 10:00:00[.fff]' or ISO '2024-01-01T10:00:00[.fff][Z]' to microseconds since the epoch.</summary>
    public static long TimestampMicros(string text, bool utc)
    {
        var normalized = text.Replace('T', ' ').TrimEnd('Z');
        var at = DateTime.Parse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        return (at - Epoch).Ticks / 10;
    }

    /// <summary>The formats' text of a value: numbers as Java prints them, timestamps in SQL syntax.</summary>
    public static string Format(object value, SqlType type) => value switch
    {
        bool b => b ? "true" : "false",
        double d => Java(text => Rendering.JavaNumberText.AppendDouble(text, d)),
        float f => Java(text => Rendering.JavaNumberText.AppendFloat(text, f)),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        string s => s,
        byte[] bytes => Convert.ToBase64String(bytes),
        int days when type.Kind == SqlTypeKind.Date => DateOnly.FromDayNumber(DateOnly.FromDateTime(Epoch).DayNumber + days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        int ms when type.Kind == SqlTypeKind.Time => TimeOnly.FromTimeSpan(TimeSpan.FromMilliseconds(ms)).ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        long micros when type.IsTimestamp => Timestamp(micros, type.Kind == SqlTypeKind.TimestampLtz),
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Java(Action<System.Text.StringBuilder> append)
    {
        var text = new System.Text.StringBuilder();
        append(text);
        return text.ToString();
    }

    /// <summary>'2024-01-01 10:00:00' with a fraction only when there is one (as the JSON and CSV formats write).</summary>
    public static string Timestamp(long micros, bool ltz)
    {
        var at = Epoch.AddTicks(micros * 10);
        var text = at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var fraction = micros % 1_000_000;
        if (fraction < 0)
            fraction += 1_000_000;
        if (fraction != 0)
            text += "." + fraction.ToString("D6", CultureInfo.InvariantCulture).TrimEnd('0');
        return ltz ? text + "Z" : text;
    }
}
