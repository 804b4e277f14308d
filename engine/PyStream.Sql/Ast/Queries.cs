namespace PyStream.Sql.Ast;

// Queries and the table references of FROM.

public abstract record QueryExpr : SqlNode;

/// <summary>An item of a select list: <c>expr [AS alias]</c>, <c>*</c> or <c>t.*</c>.</summary>
public sealed record SelectItem(SqlExpr Expr, string? Alias = null) : SqlNode;

public sealed record SelectQuery(
    bool Distinct,
    SqlList<SelectItem> Items,
    SqlList<TableRef> From,
    SqlExpr? Where = null,
    SqlList<SqlExpr>? GroupBy = null,
    SqlExpr? Having = null,
    SqlList<NamedWindow>? Windows = null) : QueryExpr;

/// <summary>VALUES (1, 'a'), (2, 'b'): each row is a list of expressions.</summary>
public sealed record ValuesQuery(SqlList<SqlList<SqlExpr>> Rows) : QueryExpr;

public enum SetOperator { Union, Intersect, Except }

public sealed record SetOperation(SetOperator Operator, bool All, QueryExpr Left, QueryExpr Right) : QueryExpr;

public enum SortDirection { Unspecified, Ascending, Descending }

public enum NullOrdering { Unspecified, First, Last }

public sealed record OrderItem(SqlExpr Expr, SortDirection Direction = SortDirection.Unspecified, NullOrdering Nulls = NullOrdering.Unspecified) : SqlNode;

/// <summary>
/// A query with ORDER BY, LIMIT or OFFSET. FETCH FIRST n ROWS ONLY is read as LIMIT n, as Calcite does.
/// </summary>
public sealed record OrderedQuery(QueryExpr Body, SqlList<OrderItem> OrderBy, SqlExpr? Limit, SqlExpr? Offset) : QueryExpr;

public sealed record CommonTableExpr(string Name, SqlList<string> Columns, QueryExpr Query) : SqlNode;

public sealed record WithQuery(SqlList<CommonTableExpr> Ctes, QueryExpr Body) : QueryExpr;

/// <summary><c>[AS] name [(col, ...)]</c> after a table reference.</summary>
public sealed record TableAlias(string Name, SqlList<string> Columns) : SqlNode;

public abstract record TableRef : SqlNode;

/// <summary>A table by name, with optional <c>FOR SYSTEM_TIME AS OF expr</c> and alias.</summary>
public sealed record NamedTableRef(SqlList<string> Name, SqlExpr? SystemTimeAsOf = null, TableAlias? Alias = null) : TableRef;

/// <summary>A subquery in FROM, optionally LATERAL.</summary>
public sealed record DerivedTableRef(QueryExpr Query, bool Lateral, TableAlias? Alias) : TableRef;

/// <summary><c>[LATERAL] TABLE(f(...)) [AS T(a, b)]</c>, including the window table functions.</summary>
public sealed record TableFunctionRef(FunctionCall Call, bool Lateral, TableAlias? Alias) : TableRef;

/// <summary><c>UNNEST(arr) [WITH ORDINALITY] [AS T(x)]</c>.</summary>
public sealed record UnnestRef(SqlList<SqlExpr> Args, bool WithOrdinality, TableAlias? Alias) : TableRef;

public enum JoinKind { Inner, Left, Right, Full, Cross }

/// <summary>A join; On or Using is set, or neither for CROSS JOIN.</summary>
public sealed record JoinRef(JoinKind Kind, TableRef Left, TableRef Right, SqlExpr? On = null, SqlList<string>? Using = null) : TableRef;
