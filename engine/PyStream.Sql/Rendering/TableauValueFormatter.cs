using System.Globalization;
using System.Text;
using PyStream.Sql.Types;

namespace PyStream.Sql.Rendering;

/// <summary>CAST(value AS STRING) as Flink's RowDataToStringConverterImpl runs it (printing mode), on the session clock.</summary>
internal sealed class TableauValueFormatter(SqlContext context) : ValueFormatter
{
    protected override void AppendBoolean(StringBuilder text, bool value) => text.Append(value ? "TRUE" : "FALSE");

    protected override void AppendDecimal(StringBuilder text, decimal value, int scale) =>
        text.Append(JavaNumberText.PlainDecimal(value, scale));

    protected override void AppendBytes(StringBuilder text, byte[] value) =>
        text.Append("x'").Append(Convert.ToHexStringLower(value)).Append('\'');

    protected override void AppendDate(StringBuilder text, DateOnly date) =>
        text.Append(date.Year.ToString("D4", CultureInfo.InvariantCulture)).Append('-')
            .Append(TwoDigits(date.Month)).Append('-').Append(TwoDigits(date.Day));

    // DateTimeUtils.formatTimestampMillis: the fraction stops after the last non-zero digit but
    // has at least one ("10:00:00.0" for TIME(3)), like java.sql.Timestamp.toString.
    protected override void AppendTime(StringBuilder text, int millisOfDay, int precision)
    {
        AppendClock(text, millisOfDay / 3_600_000, millisOfDay / 60_000 % 60, millisOfDay / 1000 % 60);
        if (precision <= 0)
            return;
        text.Append('.');
        var millis = millisOfDay % 1000;
        for (var remaining = precision; remaining > 0; remaining--)
        {
            text.Append((char)('0' + (millis / 100)));
            millis = millis % 100 * 10;
            if (millis == 0)
                break;
        }
    }

    protected override void AppendTimestamp(StringBuilder text, long epochMicros, int precision) =>
        AppendDateTime(text, CivilTime.Timestamp(epochMicros), precision);

    protected override void AppendTimestampLtz(StringBuilder text, long epochMicros, int precision) =>
        AppendDateTime(text, CivilTime.Local(epochMicros, context.LocalTimeZone), precision);

    // DateTimeUtils.formatIntervalYearMonth: +1-02
    protected override void AppendYearMonth(StringBuilder text, int months)
    {
        var magnitude = Math.Abs((long)months);
        text.Append(months >= 0 ? '+' : '-')
            .Append((magnitude / 12).ToString(CultureInfo.InvariantCulture)).Append('-')
            .Append(TwoDigits((int)(magnitude % 12)));
    }

    // DateTimeUtils.formatIntervalDayTime: +1 02:03:04.005 (days unpadded, always milliseconds)
    protected override void AppendDayTime(StringBuilder text, long millis)
    {
        text.Append(millis >= 0 ? '+' : '-');
        var magnitude = millis == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(millis);
        var seconds = magnitude / 1000;
        text.Append((seconds / 86_400).ToString(CultureInfo.InvariantCulture)).Append(' ');
        AppendClock(text, (int)(seconds / 3600 % 24), (int)(seconds / 60 % 60), (int)(seconds % 60));
        text.Append('.').Append((magnitude % 1000).ToString("D3", CultureInfo.InvariantCulture));
    }

    protected override void AppendRow(StringBuilder text, object?[] values, IReadOnlyList<SqlField> fields)
    {
        text.Append('(');
        AppendFields(text, values, fields);
        text.Append(')');
    }

    private static void AppendClock(StringBuilder text, int hour, int minute, int second) =>
        text.Append(TwoDigits(hour)).Append(':').Append(TwoDigits(minute)).Append(':').Append(TwoDigits(second));

    // DateTimeUtils.formatTimestamp: nine fraction digits, trailing zeros dropped down to the precision.
    private void AppendDateTime(StringBuilder text, DateTime time, int precision)
    {
        AppendDate(text, DateOnly.FromDateTime(time));
        text.Append(' ');
        AppendClock(text, time.Hour, time.Minute, time.Second);
        var fraction = CivilTime.NanoOfSecond(time).ToString("D9", CultureInfo.InvariantCulture);
        var length = fraction.Length;
        while (length > precision && fraction[length - 1] == '0')
            length--;
        if (length > 0)
            text.Append('.').Append(fraction, 0, length);
    }
}
