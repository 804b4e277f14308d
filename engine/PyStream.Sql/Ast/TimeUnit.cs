namespace PyStream.Sql.Ast;

public enum TimeUnit
{
    Year, Quarter, Month, Week, Day, Hour, Minute, Second, Millisecond, Microsecond, Nanosecond,
    Dow, Doy, Isodow, Isoyear, Epoch, Decade, Century, Millennium,
}

/// <summary>
/// The unit of an interval literal or type: <c>DAY(2) TO SECOND(3)</c>, <c>MINUTE</c>.
/// Plural units (MINUTES) are read as the singular.
/// </summary>
public sealed record IntervalQualifier(TimeUnit Start, int? StartPrecision = null, TimeUnit? End = null, int? FractionalPrecision = null) : SqlNode;
