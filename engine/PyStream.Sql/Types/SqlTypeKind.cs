namespace PyStream.Sql.Types;

/// <summary>Flink's logical type roots (LogicalTypeRoot), those this engine runs.</summary>
public enum SqlTypeKind
{
    Null,
    Boolean,
    TinyInt,
    SmallInt,
    Int,
    BigInt,
    Float,
    Double,
    Decimal,
    Char,
    Varchar,
    Binary,
    Varbinary,
    Date,
    Time,
    Timestamp,
    TimestampLtz,
    IntervalYearMonth,
    IntervalDayTime,
    Array,
    Multiset,
    Map,
    Row,
}

/// <summary>A timestamp column's role: Flink's time attributes print as <c>TIMESTAMP(3) *ROWTIME*</c>.</summary>
public enum TimeAttribute
{
    None,
    Rowtime,
    Proctime,
}
