namespace PyStream.Sql.Ast;

// Data types in Flink's DataTypes syntax. NotNull is part of the type's value.

public abstract record SqlDataType : SqlNode
{
    public bool NotNull { get; init; }

    /// <summary>
    /// Written with a NULL suffix. A CAST to such a type makes a nullable value even from a NOT NULL
    /// operand (Calcite keeps the operand's nullability); from_elements declares its types this way.
    /// </summary>
    public bool ExplicitNull { get; init; }
}

public enum SqlTypeName
{
    Char, Varchar, String, Boolean, Binary, Varbinary, Bytes, Decimal, TinyInt, SmallInt, Int, BigInt,
    Float, Double, Date, Time, Timestamp, TimestampLtz,
}

/// <summary>
/// A predefined type with optional precision and scale. Synonyms are normalised: INTEGER is Int,
/// DEC and NUMERIC are Decimal, DOUBLE PRECISION is Double, TIMESTAMP WITH LOCAL TIME ZONE is
/// TimestampLtz.
/// </summary>
public sealed record PrimitiveType(SqlTypeName Name, int? Precision = null, int? Scale = null) : SqlDataType;

public sealed record IntervalType(IntervalQualifier Qualifier) : SqlDataType;

/// <summary>ARRAY&lt;T&gt; or T ARRAY.</summary>
public sealed record ArrayType(SqlDataType Element) : SqlDataType;

/// <summary>MULTISET&lt;T&gt; or T MULTISET.</summary>
public sealed record MultisetType(SqlDataType Element) : SqlDataType;

public sealed record MapType(SqlDataType Key, SqlDataType Value) : SqlDataType;

public sealed record RowField(string Name, SqlDataType Type, string? Comment = null) : SqlNode;

/// <summary>ROW&lt;a INT, b STRING&gt; or ROW(a INT, b STRING).</summary>
public sealed record RowType(SqlList<RowField> Fields) : SqlDataType;

/// <summary>RAW('class', 'serializer snapshot').</summary>
public sealed record RawType(string ClassName, string? SerializerSnapshot) : SqlDataType;
