namespace PyStream.Sql.Functions;

/// <summary>
/// Conversions between the CLR representations of the temporal types (DATE days, TIME milliseconds
/// of the day, TIMESTAMP wall-clock and TIMESTAMP_LTZ instant microseconds) and <see cref="DateTime"/>,
/// and between wall-clock time and instants in a time zone.
/// </summary>
public static class TimeMath
{
    public const long MicrosPerMilli = 1_000;
    public const long MicrosPerSecond = 1_000_000;
    public const long MicrosPerDay = 86_400_000_000;
    public const int MillisPerDay = 86_400_000;

    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;

    public static DateTime ToDateTime(long micros) => new(EpochTicks + micros * 10, DateTimeKind.Unspecified);

    public static long ToMicros(DateTime time) => (time.Ticks - EpochTicks) / 10;

    public static DateTime DateToDateTime(int days) => DateTime.UnixEpoch.AddDays(days);

    public static int ToDays(DateTime time) => (int)((time.Date.Ticks - EpochTicks) / TimeSpan.TicksPerDay);

    public static int DaysOf(long micros) => (int)FloorDiv(micros, MicrosPerDay);

    /// <summary>A TIMESTAMP value (microseconds) in milliseconds, rounded down: event time as the runtime counts it.</summary>
    public static long MillisOf(long micros) => FloorDiv(micros, MicrosPerMilli);

    public static int MillisOfDay(long micros) => (int)(((micros % MicrosPerDay) + MicrosPerDay) % MicrosPerDay / MicrosPerMilli);

    /// <summary>The wall-clock time in <paramref name="zone"/> of an instant (TIMESTAMP_LTZ to TIMESTAMP).</summary>
    public static long ToLocal(long instantMicros, TimeZoneInfo zone)
    {
        if (zone == TimeZoneInfo.Utc)
            return instantMicros;
        var offset = zone.GetUtcOffset(new DateTime(EpochTicks + instantMicros * 10, DateTimeKind.Utc));
        return instantMicros + offset.Ticks / 10;
    }

    /// <summary>The instant a wall-clock time in <paramref name="zone"/> names (TIMESTAMP to TIMESTAMP_LTZ); a gap moves forward.</summary>
    public static long ToInstant(long localMicros, TimeZoneInfo zone)
    {
        if (zone == TimeZoneInfo.Utc)
            return localMicros;
        var local = ToDateTime(localMicros);
        if (zone.IsInvalidTime(local))
            local = local.AddHours(1);
        var offset = zone.GetUtcOffset(local);
        return localMicros - offset.Ticks / 10;
    }

    /// <summary>Adds months to a wall-clock time, keeping the day where the month has it (Jan 31 + 1 month = Feb 28/29).</summary>
    public static long AddMonths(long micros, long months) => ToMicros(ToDateTime(micros).AddMonths(checked((int)months)));

    public static int AddMonthsToDate(int days, long months) => ToDays(DateToDateTime(days).AddMonths(checked((int)months)));

    public static long FloorDiv(long a, long b)
    {
        var quotient = a / b;
        return a % b != 0 && (a < 0) != (b < 0) ? quotient - 1 : quotient;
    }
}
