namespace PyStream.Sql;

/// <summary>What expressions read besides their rows: the session time zone (table.local-time-zone) and the clock.</summary>
public sealed record SqlContext(TimeZoneInfo LocalTimeZone, TimeProvider Clock)
{
    public static SqlContext Utc { get; } = new(TimeZoneInfo.Utc, TimeProvider.System);
}
