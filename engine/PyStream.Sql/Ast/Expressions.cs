namespace PyStream.Sql.Ast;

// Expression nodes. They are grouped in one file, as a grammar is, rather than one 3-line file each.

public abstract record SqlExpr : SqlNode;

public enum NumericKind { Integer, Decimal, Approximate }

/// <summary>A number as written, e.g. 42, 4.20 or 1.5E-3.</summary>
public sealed record NumericLiteral(string Text, NumericKind Kind) : SqlExpr;

public sealed record StringLiteral(string Value) : SqlExpr;

/// <summary>A binary literal X'0AFF'; the value is upper-case hex digits.</summary>
public sealed record BinaryLiteral(string Hex) : SqlExpr;

/// <summary>TRUE, FALSE, or UNKNOWN (a null value).</summary>
public sealed record BooleanLiteral(bool? Value) : SqlExpr;

public sealed record NullLiteral : SqlExpr;

public enum TypedLiteralKind { Date, Time, Timestamp }

/// <summary>DATE '2024-01-01', TIME '10:00:00', TIMESTAMP '2024-01-01 10:00:00'.</summary>
public sealed record TypedLiteral(TypedLiteralKind Kind, string Value) : SqlExpr;

/// <summary>INTERVAL '5' SECOND, INTERVAL -'1:30' HOUR TO MINUTE.</summary>
public sealed record IntervalLiteral(string Value, bool Negative, IntervalQualifier Qualifier) : SqlExpr;

/// <summary>A name of one or more parts: <c>col</c>, <c>t.col</c>, <c>t.col.field</c>.</summary>
public sealed record IdentifierExpr(SqlList<string> Parts) : SqlExpr;

/// <summary><c>*</c> or <c>t.*</c> in a select list, and the <c>*</c> of <c>COUNT(*)</c>.</summary>
public sealed record StarExpr(SqlList<string> Qualifier) : SqlExpr;

public enum BinaryOperator
{
    Or, And, Equals, NotEquals, LessThan, GreaterThan, LessOrEqual, GreaterOrEqual,
    IsDistinctFrom, IsNotDistinctFrom, Plus, Minus, Multiply, Divide, Modulo, Concat,
}

public sealed record BinaryExpr(BinaryOperator Operator, SqlExpr Left, SqlExpr Right) : SqlExpr;

public enum UnaryOperator { Not, Negate, Plus }

public sealed record UnaryExpr(UnaryOperator Operator, SqlExpr Operand) : SqlExpr;

public enum IsTest { Null, True, False, Unknown }

/// <summary><c>x IS [NOT] NULL|TRUE|FALSE|UNKNOWN</c>.</summary>
public sealed record IsExpr(SqlExpr Operand, IsTest Test, bool Negated) : SqlExpr;

public sealed record BetweenExpr(SqlExpr Operand, SqlExpr Low, SqlExpr High, bool Negated, bool Symmetric) : SqlExpr;

public sealed record InListExpr(SqlExpr Operand, SqlList<SqlExpr> Values, bool Negated) : SqlExpr;

public sealed record InQueryExpr(SqlExpr Operand, QueryExpr Query, bool Negated) : SqlExpr;

/// <summary><c>x [NOT] LIKE p [ESCAPE e]</c>, or <c>SIMILAR TO</c> when <paramref name="Similar"/>.</summary>
public sealed record LikeExpr(SqlExpr Operand, SqlExpr Pattern, SqlExpr? Escape, bool Negated, bool Similar) : SqlExpr;

public sealed record ExistsExpr(QueryExpr Query) : SqlExpr;

/// <summary>A query in parentheses used as a value.</summary>
public sealed record SubqueryExpr(QueryExpr Query) : SqlExpr;

public sealed record WhenClause(SqlExpr Condition, SqlExpr Result);

/// <summary>CASE [operand] WHEN .. THEN .. [ELSE ..] END (simple when Operand is set).</summary>
public sealed record CaseExpr(SqlExpr? Operand, SqlList<WhenClause> Whens, SqlExpr? Else) : SqlExpr;

/// <summary>CAST(x AS type), or TRY_CAST when <paramref name="Try"/>.</summary>
public sealed record CastExpr(SqlExpr Operand, SqlDataType Type, bool Try) : SqlExpr;

/// <summary>
/// A function call: <c>f(a, b)</c>, <c>COUNT(DISTINCT x)</c>, <c>COUNT(*)</c>,
/// <c>SUM(x) FILTER (WHERE c)</c>, <c>SUM(x) OVER (...)</c> or <c>OVER w</c>.
/// </summary>
public sealed record FunctionCall(
    SqlList<string> Name,
    SqlList<SqlExpr> Args,
    bool Distinct = false,
    SqlExpr? Filter = null,
    WindowSpec? Over = null) : SqlExpr;

/// <summary>A function written without parentheses: CURRENT_TIMESTAMP, LOCALTIME, ...</summary>
public sealed record NiladicCall(string Name) : SqlExpr;

/// <summary>A named argument <c>name => value</c> of a table-valued function.</summary>
public sealed record NamedArgument(string Name, SqlExpr Value) : SqlExpr;

/// <summary>The argument <c>TABLE t [PARTITION BY keys]</c> of a table-valued function (SESSION takes keys).</summary>
public sealed record TableArgument(SqlList<string> Name, SqlList<SqlExpr>? PartitionBy = null) : SqlExpr;

/// <summary><c>DESCRIPTOR(col, ...)</c>, naming columns for a window table function.</summary>
public sealed record DescriptorExpr(SqlList<string> Columns) : SqlExpr;

/// <summary>A time unit used as an argument: the HOUR of <c>TIMESTAMPADD(HOUR, 1, ts)</c>.</summary>
public sealed record TimeUnitExpr(TimeUnit Unit) : SqlExpr;

/// <summary>EXTRACT(unit FROM x).</summary>
public sealed record ExtractExpr(TimeUnit Unit, SqlExpr Source) : SqlExpr;

/// <summary>FLOOR(x TO unit) or CEIL(x TO unit).</summary>
public sealed record FloorCeilExpr(bool Ceil, SqlExpr Operand, TimeUnit Unit) : SqlExpr;

/// <summary>SUBSTRING(x FROM start [FOR length]).</summary>
public sealed record SubstringExpr(SqlExpr Operand, SqlExpr Start, SqlExpr? Length) : SqlExpr;

/// <summary>POSITION(needle IN haystack [FROM start]).</summary>
public sealed record PositionExpr(SqlExpr Needle, SqlExpr Haystack, SqlExpr? Start) : SqlExpr;

public enum TrimSide { Both, Leading, Trailing }

/// <summary>TRIM([BOTH|LEADING|TRAILING] [chars] FROM x); Side is null when not written.</summary>
public sealed record TrimExpr(TrimSide? Side, SqlExpr? Characters, SqlExpr Operand) : SqlExpr;

/// <summary>OVERLAY(x PLACING y FROM start [FOR length]).</summary>
public sealed record OverlayExpr(SqlExpr Operand, SqlExpr Replacement, SqlExpr Start, SqlExpr? Length) : SqlExpr;

/// <summary>ROW(a, b) when <paramref name="Explicit"/>, otherwise (a, b).</summary>
public sealed record RowExpr(SqlList<SqlExpr> Items, bool Explicit) : SqlExpr;

public sealed record ArrayExpr(SqlList<SqlExpr> Items) : SqlExpr;

/// <summary>MAP[k1, v1, k2, v2]: keys and values alternate.</summary>
public sealed record MapExpr(SqlList<SqlExpr> KeysAndValues) : SqlExpr;

/// <summary><c>x[1]</c> or <c>x['key']</c>.</summary>
public sealed record ItemExpr(SqlExpr Target, SqlExpr Index) : SqlExpr;

/// <summary><c>(expr).field</c> where the target is not a plain name.</summary>
public sealed record FieldExpr(SqlExpr Target, string Field) : SqlExpr;

public enum GroupingKind { GroupingSets, Rollup, Cube }

/// <summary>GROUPING SETS (...), ROLLUP (...), CUBE (...) in GROUP BY; () is an empty <see cref="RowExpr"/>.</summary>
public sealed record GroupingExpr(GroupingKind Kind, SqlList<SqlExpr> Items) : SqlExpr;
