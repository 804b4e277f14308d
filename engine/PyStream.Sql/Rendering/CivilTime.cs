namespace PyStream.Sql.Rendering;

/// <summary>The engine's date and time values (days, milliseconds of the day, microseconds since the epoch) as calendar values.</summary>
internal static class CivilTime
{
    private static readonly int EpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

    public static DateOnly Date(int epochDays) => DateOnly.FromDayNumber(EpochDayNumber + epochDays);

    /// <summary>Wall-clock time of a TIMESTAMP, or the UTC time of a TIMESTAMP_LTZ instant.</summary>
    public static DateTime Timestamp(long epochMicros) => DateTime.UnixEpoch.AddTicks(checked(epochMicros * 10));

    /// <summary>A TIMESTAMP_LTZ instant on the clock of <paramref name="zone"/>.</summary>
    public static DateTime Local(long epochMicros, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(Timestamp(epochMicros), DateTimeKind.Utc), zone);

    public static int NanoOfSecond(DateTime time) => (int)(time.Ticks % TimeSpan.TicksPerSecond) * 100;
}
