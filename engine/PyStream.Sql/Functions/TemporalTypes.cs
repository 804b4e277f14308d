using PyStream.Sql.Types;
using static PyStream.Sql.Functions.Signature;

namespace PyStream.Sql.Functions;

/// <summary>Types of the date and time functions.</summary>
internal static class TemporalTypes
{
    /// <summary>The units EXTRACT, TIMESTAMPADD and TIMESTAMPDIFF accept.</summary>
    internal static readonly IReadOnlySet<string> Units = new HashSet<string>(StringComparer.Ordinal)
    {
        "MILLENNIUM", "CENTURY", "DECADE", "YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND",
        "MILLISECOND", "MICROSECOND", "NANOSECOND", "DOW", "DOY", "ISODOW", "ISOYEAR", "EPOCH",
    };

    public static IEnumerable<KeyValuePair<string, Signature>> Signatures()
    {
        yield return Define("EXTRACT", 2, 2, c => c.LiteralString(0) is { } unit && Units.Contains(unit)
            && (Family.Datetime(c.Types[1]) || c.Types[1].IsInterval) ? c.Strict(SqlType.BigInt) : null);
        foreach (var name in new[] { "YEAR", "QUARTER", "MONTH", "WEEK", "DAYOFYEAR", "DAYOFMONTH", "DAYOFWEEK" })
            yield return Define(name, 1, 1, c => c.All(Family.TimestampOrDate) ? c.Strict(SqlType.BigInt) : null);
        foreach (var name in new[] { "HOUR", "MINUTE", "SECOND" })
            yield return Define(name, 1, 1, c => c.All(t => t.IsTimestamp || t.Kind == SqlTypeKind.Time) ? c.Strict(SqlType.BigInt) : null);
        yield return Define("TIMESTAMPADD", 3, 3, c => c.LiteralString(0) is { } unit && Units.Contains(unit) && c.Is(1, Family.Integer)
            && Family.Datetime(c.Types[2]) ? c.Strict(c.Types[2] with { TimeAttribute = TimeAttribute.None }) : null);
        yield return Define("TIMESTAMPDIFF", 3, 3, c => c.LiteralString(0) is { } unit && Units.Contains(unit)
            && Family.Datetime(c.Types[1]) && c.Types[1].Kind == c.Types[2].Kind ? c.Strict(SqlType.Int) : null);
        foreach (var name in new[] { "CURRENT_TIMESTAMP", "NOW" })
            yield return Define(name, 0, 0, _ => SqlType.TimestampLtz(3).NotNull);
        yield return Define("LOCALTIMESTAMP", 0, 0, _ => SqlType.Timestamp(3).NotNull);
        // A processing-time attribute: the clock when the row is computed.
        yield return Define("PROCTIME", 0, 0, _ => SqlType.TimestampLtz(3).NotNull with { TimeAttribute = TimeAttribute.Proctime });
        yield return Define("CURRENT_DATE", 0, 0, _ => SqlType.Date.NotNull);
        foreach (var name in new[] { "CURRENT_TIME", "LOCALTIME" })
            yield return Define(name, 0, 0, _ => SqlType.Time(0).NotNull);
        yield return Define("DATE_FORMAT", 2, 2, c => (c.Is(0, Family.TimestampOrDate) || c.Is(0, Family.Character)) && c.Is(1, Family.Character)
            ? c.Strict(SqlType.String) : null);
        yield return Define("TO_TIMESTAMP", 1, 2, c => c.All(Family.Character) ? SqlType.Timestamp(3) : null);
        yield return Define("TO_DATE", 1, 2, c => c.All(Family.Character) ? SqlType.Date : null);
        yield return Define("TO_TIMESTAMP_LTZ", 1, 2, c => c.Is(0, Family.Numeric) && c.All(Family.Integer, 1) ? c.Strict(SqlType.TimestampLtz(3)) : null);
        yield return Define("UNIX_TIMESTAMP", 0, 2, c => c.Types.Length == 0 ? SqlType.BigInt.NotNull : c.All(Family.Character) ? SqlType.BigInt : null);
        yield return Define("FROM_UNIXTIME", 1, 2, c => c.Is(0, Family.Integer) && c.All(Family.Character, 1) ? c.Strict(SqlType.String) : null);
    }
}
