using System.Globalization;
using System.Text;
using PyStream.Engine.Records;
using PyStream.Sql.Types;

namespace PyStream.Sql.Rendering;

/// <summary>Java's toString of Flink's default external classes (LocalDateTime, Instant, Period, Duration, BigDecimal, byte[], Row).</summary>
internal sealed class JavaValueFormatter : ValueFormatter
{
    public static JavaValueFormatter Instance { get; } = new();

    public void AppendRow(StringBuilder text, RowKind kind, object?[] values, IReadOnlyList<SqlField> fields)
    {
        text.Append(kind.ShortString()).Append('[');
        AppendFields(text, values, fields);
        text.Append(']');
    }

    protected override void AppendBoolean(StringBuilder text, bool value) => text.Append(value ? "true" : "false");

    protected override void AppendDecimal(StringBuilder text, decimal value, int scale) =>
        JavaNumberText.AppendBigDecimal(text, value, scale);

    // Arrays.toString(byte[]): Java bytes are signed.
    protected override void AppendBytes(StringBuilder text, byte[] value)
    {
        text.Append('[');
        for (var i = 0; i < value.Length; i++)
        {
            if (i > 0)
                text.Append(", ");
            text.Append(((sbyte)value[i]).ToString(CultureInfo.InvariantCulture));
        }

        text.Append(']');
    }

    // LocalDate.toString: four-digit years, a '+' past 9999.
    protected override void AppendDate(StringBuilder text, DateOnly date) =>
        text.Append(date.Year > 9999 ? "+" : "").Append(date.Year.ToString("D4", CultureInfo.InvariantCulture)).Append('-')
            .Append(TwoDigits(date.Month)).Append('-').Append(TwoDigits(date.Day));

    protected override void AppendTime(StringBuilder text, int millisOfDay, int precision) =>
        AppendClock(text, millisOfDay / 3_600_000, millisOfDay / 60_000 % 60, millisOfDay / 1000 % 60, millisOfDay % 1000 * 1_000_000, alwaysSeconds: false);

    // LocalDateTime.toString: 2024-01-01T10:00, seconds and fraction only when not zero.
    protected override void AppendTimestamp(StringBuilder text, long epochMicros, int precision)
    {
        var time = CivilTime.Timestamp(epochMicros);
        AppendDate(text, DateOnly.FromDateTime(time));
        text.Append('T');
        AppendClock(text, time.Hour, time.Minute, time.Second, CivilTime.NanoOfSecond(time), alwaysSeconds: false);
    }

    // Instant.toString (ISO_INSTANT): always seconds, then Z.
    protected override void AppendTimestampLtz(StringBuilder text, long epochMicros, int precision)
    {
        var utc = CivilTime.Timestamp(epochMicros);
        AppendDate(text, DateOnly.FromDateTime(utc));
        text.Append('T');
        AppendClock(text, utc.Hour, utc.Minute, utc.Second, CivilTime.NanoOfSecond(utc), alwaysSeconds: true);
        text.Append('Z');
    }

    // Period.of(months / 12, months % 12, 0).toString(): P1Y2M, P-1Y-2M, P0D.
    protected override void AppendYearMonth(StringBuilder text, int months)
    {
        if (months == 0)
        {
            text.Append("P0D");
            return;
        }

        text.Append('P');
        if (months / 12 != 0)
            text.Append((months / 12).ToString(CultureInfo.InvariantCulture)).Append('Y');
        if (months % 12 != 0)
            text.Append((months % 12).ToString(CultureInfo.InvariantCulture)).Append('M');
    }

    // Duration.ofMillis(ms).toString(): PT1H2M3.5S, PT0S, PT-0.5S (seconds floor, nanos positive).
    protected override void AppendDayTime(StringBuilder text, long millis)
    {
        if (millis == 0)
        {
            text.Append("PT0S");
            return;
        }

        var seconds = Math.DivRem(millis, 1000, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += 1000;
        }

        var nanos = remainder * 1_000_000;
        var effectiveSeconds = seconds < 0 && nanos > 0 ? seconds + 1 : seconds;
        var hours = effectiveSeconds / 3600;
        var minutes = effectiveSeconds % 3600 / 60;
        var secs = effectiveSeconds % 60;
        text.Append("PT");
        if (hours != 0)
            text.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('H');
        if (minutes != 0)
            text.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('M');
        if (secs == 0 && nanos == 0 && (hours != 0 || minutes != 0))
            return;
        if (seconds < 0 && nanos > 0 && secs == 0)
            text.Append("-0");
        else
            text.Append(secs.ToString(CultureInfo.InvariantCulture));
        if (nanos > 0)
        {
            var fraction = (seconds < 0 ? 2_000_000_000 - nanos : nanos + 1_000_000_000).ToString(CultureInfo.InvariantCulture).TrimEnd('0');
            text.Append('.').Append(fraction, 1, fraction.Length - 1);
        }

        text.Append('S');
    }

    protected override void AppendRow(StringBuilder text, object?[] values, IReadOnlyList<SqlField> fields) =>
        AppendRow(text, RowKind.Insert, values, fields);

    // LocalTime.toString: HH:mm, then :ss when seconds or nanos, then 3, 6 or 9 fraction digits.
    private static void AppendClock(StringBuilder text, int hour, int minute, int second, int nano, bool alwaysSeconds)
    {
        text.Append(TwoDigits(hour)).Append(':').Append(TwoDigits(minute));
        if (!alwaysSeconds && second == 0 && nano == 0)
            return;
        text.Append(':').Append(TwoDigits(second));
        if (nano == 0)
            return;
        if (nano % 1_000_000 == 0)
            text.Append('.').Append((nano / 1_000_000).ToString("D3", CultureInfo.InvariantCulture));
        else if (nano % 1000 == 0)
            text.Append('.').Append((nano / 1000).ToString("D6", CultureInfo.InvariantCulture));
        else
            text.Append('.').Append(nano.ToString("D9", CultureInfo.InvariantCulture));
    }
}
