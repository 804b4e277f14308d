using System.Globalization;

namespace PyStream.Sql.Types;

/// <summary>
/// A logical type as Flink's planner sees it: the root, nullability, precision and scale,
/// and the element, value or field types of the constructed ones. Values of each kind have
/// one CLR representation in rows (<see cref="ClrType"/>):
/// BOOLEAN bool, TINYINT sbyte, SMALLINT short, INT int, BIGINT long, FLOAT float, DOUBLE
/// double, DECIMAL decimal, CHAR/VARCHAR string, BINARY/VARBINARY byte[], DATE int (days since
/// 1970-01-01), TIME int (milliseconds of the day), TIMESTAMP and TIMESTAMP_LTZ long
/// (microseconds since the epoch; TIMESTAMP is wall-clock time, TIMESTAMP_LTZ an instant),
/// INTERVAL YEAR TO MONTH int (months), INTERVAL DAY TO SECOND long (milliseconds), ARRAY and
/// MULTISET object?[], MAP Dictionary, ROW object?[].
/// </summary>
public sealed record SqlType
{
    public const int MaxLength = int.MaxValue;

    /// <summary>Flink's DECIMAL goes to 38 digits, and so do types here (SUM of a DECIMAL is DECIMAL(38, s)).</summary>
    public const int MaxDecimalPrecision = 38;

    /// <summary>
    /// Values are C#'s decimal: 28 significant digits, 28 fractional at most. A value that needs
    /// more fails its job with a <see cref="SqlRuntimeException"/> (it is never cut silently).
    /// </summary>
    public const int DecimalValueDigits = 28;

    private SqlType(SqlTypeKind kind, bool nullable, int precision, int scale)
    {
        Kind = kind;
        Nullable = nullable;
        Precision = precision;
        Scale = scale;
    }

    public SqlTypeKind Kind { get; }

    public bool Nullable { get; init; }

    /// <summary>Length of CHAR/VARCHAR/BINARY/VARBINARY, digits of DECIMAL, fractional digits of TIME/TIMESTAMP.</summary>
    public int Precision { get; }

    public int Scale { get; }

    /// <summary>ARRAY/MULTISET element, MAP key.</summary>
    public SqlType? Element { get; private init; }

    /// <summary>MAP value.</summary>
    public SqlType? Value { get; private init; }

    public IReadOnlyList<SqlField> Fields { get; private init; } = [];

    public TimeAttribute TimeAttribute { get; init; }

    public static SqlType Null { get; } = new(SqlTypeKind.Null, true, 0, 0);
    public static SqlType Boolean { get; } = new(SqlTypeKind.Boolean, true, 0, 0);
    public static SqlType TinyInt { get; } = new(SqlTypeKind.TinyInt, true, 3, 0);
    public static SqlType SmallInt { get; } = new(SqlTypeKind.SmallInt, true, 5, 0);
    public static SqlType Int { get; } = new(SqlTypeKind.Int, true, 10, 0);
    public static SqlType BigInt { get; } = new(SqlTypeKind.BigInt, true, 19, 0);
    public static SqlType Float { get; } = new(SqlTypeKind.Float, true, 0, 0);
    public static SqlType Double { get; } = new(SqlTypeKind.Double, true, 0, 0);
    public static SqlType String { get; } = new(SqlTypeKind.Varchar, true, MaxLength, 0);
    public static SqlType Bytes { get; } = new(SqlTypeKind.Varbinary, true, MaxLength, 0);
    public static SqlType Date { get; } = new(SqlTypeKind.Date, true, 0, 0);
    public static SqlType IntervalYearMonth { get; } = new(SqlTypeKind.IntervalYearMonth, true, 2, 0);
    public static SqlType IntervalDayTime { get; } = new(SqlTypeKind.IntervalDayTime, true, 2, 3);

    public static SqlType Char(int length) => new(SqlTypeKind.Char, true, CheckLength(length, "CHAR"), 0);

    public static SqlType Varchar(int length) => new(SqlTypeKind.Varchar, true, CheckLength(length, "VARCHAR"), 0);

    public static SqlType Binary(int length) => new(SqlTypeKind.Binary, true, CheckLength(length, "BINARY"), 0);

    public static SqlType Varbinary(int length) => new(SqlTypeKind.Varbinary, true, CheckLength(length, "VARBINARY"), 0);

    public static SqlType Decimal(int precision, int scale)
    {
        if (precision is < 1 or > MaxDecimalPrecision)
            throw new SqlTypeException($"DECIMAL precision must be between 1 and {MaxDecimalPrecision}, got {precision}");
        if (scale < 0 || scale > precision)
            throw new SqlTypeException($"DECIMAL scale must be between 0 and the precision {precision}, got {scale}");
        if (scale > DecimalValueDigits)
            throw new SqlTypeException($"DECIMAL scale above {DecimalValueDigits} is not supported by PyStream (its decimal values hold {DecimalValueDigits} fractional digits), got {scale}");
        return new(SqlTypeKind.Decimal, true, precision, scale);
    }

    public static SqlType Time(int precision = 0) => new(SqlTypeKind.Time, true, CheckFraction(precision, "TIME", 9), 0);

    public static SqlType Timestamp(int precision = 6) => new(SqlTypeKind.Timestamp, true, CheckFraction(precision, "TIMESTAMP", 9), 0);

    public static SqlType TimestampLtz(int precision = 6) => new(SqlTypeKind.TimestampLtz, true, CheckFraction(precision, "TIMESTAMP_LTZ", 9), 0);

    public static SqlType Array(SqlType element) => new(SqlTypeKind.Array, true, 0, 0) { Element = element };

    public static SqlType Multiset(SqlType element) => new(SqlTypeKind.Multiset, true, 0, 0) { Element = element };

    public static SqlType Map(SqlType key, SqlType value) => new(SqlTypeKind.Map, true, 0, 0) { Element = key, Value = value };

    public static SqlType Row(IReadOnlyList<SqlField> fields) => new(SqlTypeKind.Row, true, 0, 0) { Fields = fields };

    public SqlType AsNullable(bool nullable = true) => Nullable == nullable ? this : this with { Nullable = nullable };

    public SqlType NotNull => AsNullable(false);

    public bool IsInteger => Kind is SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt;

    public bool IsApproximate => Kind is SqlTypeKind.Float or SqlTypeKind.Double;

    public bool IsNumeric => IsInteger || IsApproximate || Kind == SqlTypeKind.Decimal;

    public bool IsCharacter => Kind is SqlTypeKind.Char or SqlTypeKind.Varchar;

    public bool IsBinary => Kind is SqlTypeKind.Binary or SqlTypeKind.Varbinary;

    public bool IsTimestamp => Kind is SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz;

    public bool IsInterval => Kind is SqlTypeKind.IntervalYearMonth or SqlTypeKind.IntervalDayTime;

    public bool IsTimeAttribute => TimeAttribute != TimeAttribute.None;

    /// <summary>The CLR type of this type's values in rows.</summary>
    public Type ClrType => Kind switch
    {
        SqlTypeKind.Boolean => typeof(bool),
        SqlTypeKind.TinyInt => typeof(sbyte),
        SqlTypeKind.SmallInt => typeof(short),
        SqlTypeKind.Int or SqlTypeKind.Date or SqlTypeKind.Time or SqlTypeKind.IntervalYearMonth => typeof(int),
        SqlTypeKind.BigInt or SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz or SqlTypeKind.IntervalDayTime => typeof(long),
        SqlTypeKind.Float => typeof(float),
        SqlTypeKind.Double => typeof(double),
        SqlTypeKind.Decimal => typeof(decimal),
        SqlTypeKind.Char or SqlTypeKind.Varchar => typeof(string),
        SqlTypeKind.Binary or SqlTypeKind.Varbinary => typeof(byte[]),
        SqlTypeKind.Map => typeof(Dictionary<object, object?>),
        _ => typeof(object),
    };

    /// <summary>Equal ignoring nullability and time attributes (what decides whether a cast is needed).</summary>
    public bool SameRootAndParameters(SqlType other) =>
        Kind == other.Kind && Precision == other.Precision && Scale == other.Scale
        && Equals(Element?.AsNullable(), other.Element?.AsNullable()) && Equals(Value?.AsNullable(), other.Value?.AsNullable())
        && Fields.Count == other.Fields.Count && Fields.Zip(other.Fields).All(p => p.First.Name == p.Second.Name && p.First.Type.SameRootAndParameters(p.Second.Type));

    public bool Equals(SqlType? other) =>
        other is not null && Nullable == other.Nullable && TimeAttribute == other.TimeAttribute && SameRootAndParameters(other);

    public override int GetHashCode() => HashCode.Combine(Kind, Nullable, Precision, Scale, Fields.Count);

    /// <summary>Flink's summary string: <c>INT NOT NULL</c>, <c>STRING</c>, <c>DECIMAL(10, 2)</c>, <c>TIMESTAMP(3) *ROWTIME*</c>.</summary>
    public override string ToString()
    {
        var text = Kind switch
        {
            SqlTypeKind.Null => "NULL",
            SqlTypeKind.Boolean => "BOOLEAN",
            SqlTypeKind.TinyInt => "TINYINT",
            SqlTypeKind.SmallInt => "SMALLINT",
            SqlTypeKind.Int => "INT",
            SqlTypeKind.BigInt => "BIGINT",
            SqlTypeKind.Float => "FLOAT",
            SqlTypeKind.Double => "DOUBLE",
            SqlTypeKind.Decimal => Invariant($"DECIMAL({Precision}, {Scale})"),
            SqlTypeKind.Char => Invariant($"CHAR({Precision})"),
            SqlTypeKind.Varchar => Precision == MaxLength ? "STRING" : Invariant($"VARCHAR({Precision})"),
            SqlTypeKind.Binary => Invariant($"BINARY({Precision})"),
            SqlTypeKind.Varbinary => Precision == MaxLength ? "BYTES" : Invariant($"VARBINARY({Precision})"),
            SqlTypeKind.Date => "DATE",
            SqlTypeKind.Time => Invariant($"TIME({Precision})"),
            SqlTypeKind.Timestamp => Invariant($"TIMESTAMP({Precision})"),
            SqlTypeKind.TimestampLtz => Invariant($"TIMESTAMP_LTZ({Precision})"),
            SqlTypeKind.IntervalYearMonth => "INTERVAL YEAR(2) TO MONTH",
            SqlTypeKind.IntervalDayTime => "INTERVAL DAY(2) TO SECOND(3)",
            SqlTypeKind.Array => $"ARRAY<{Element}>",
            SqlTypeKind.Multiset => $"MULTISET<{Element}>",
            SqlTypeKind.Map => $"MAP<{Element}, {Value}>",
            SqlTypeKind.Row => $"ROW<{string.Join(", ", Fields.Select(f => $"`{f.Name}` {f.Type}"))}>",
            _ => Kind.ToString().ToUpperInvariant(),
        };
        if (!Nullable && Kind != SqlTypeKind.Null)
            text += " NOT NULL";
        return TimeAttribute switch
        {
            TimeAttribute.Rowtime => text + " *ROWTIME*",
            TimeAttribute.Proctime => text + " *PROCTIME*",
            _ => text,
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static int CheckLength(int length, string name) =>
        length >= 1 ? length : throw new SqlTypeException($"{name} length must be at least 1, got {length}");

    private static int CheckFraction(int precision, string name, int max) =>
        precision >= 0 && precision <= max ? precision : throw new SqlTypeException($"{name} precision must be between 0 and {max}, got {precision}");
}
