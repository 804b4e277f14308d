namespace PyStream.Sql.Ast;

// Statements of a Flink SQL script.

public abstract record SqlStatement : SqlNode;

public sealed record QueryStatement(QueryExpr Query) : SqlStatement;

/// <summary>A <c>'key' = 'value'</c> pair of WITH (...).</summary>
public sealed record SqlOption(string Key, string Value) : SqlNode;

public abstract record TableColumn(string Name, string? Comment) : SqlNode;

public sealed record PhysicalColumn(string Name, SqlDataType Type, string? Comment = null) : TableColumn(Name, Comment);

/// <summary><c>name AS expr</c>.</summary>
public sealed record ComputedColumn(string Name, SqlExpr Expr, string? Comment = null) : TableColumn(Name, Comment);

/// <summary><c>name TYPE METADATA [FROM 'key'] [VIRTUAL]</c>.</summary>
public sealed record MetadataColumn(string Name, SqlDataType Type, string? Key = null, bool Virtual = false, string? Comment = null) : TableColumn(Name, Comment);

/// <summary><c>WATERMARK FOR column AS expr</c>.</summary>
public sealed record WatermarkSpec(SqlList<string> Column, SqlExpr Expr) : SqlNode;

/// <summary><c>[CONSTRAINT name] PRIMARY KEY (cols) NOT ENFORCED</c>.</summary>
public sealed record PrimaryKeySpec(string? ConstraintName, SqlList<string> Columns) : SqlNode;

public enum LikeOptionAction { Including, Excluding, Overwriting }

public enum LikeOptionScope { All, Constraints, Partitions, Generated, Options, Watermarks, Metadata }

public sealed record LikeOption(LikeOptionAction Action, LikeOptionScope Scope) : SqlNode;

/// <summary><c>LIKE source [(INCLUDING ALL EXCLUDING OPTIONS ...)]</c>.</summary>
public sealed record LikeClause(SqlList<string> Source, SqlList<LikeOption> Options) : SqlNode;

public sealed record CreateTableStatement(
    SqlList<string> Name,
    bool Temporary,
    bool IfNotExists,
    SqlList<TableColumn> Columns,
    WatermarkSpec? Watermark,
    PrimaryKeySpec? PrimaryKey,
    string? Comment,
    SqlList<string> PartitionedBy,
    SqlList<SqlOption> Options,
    LikeClause? Like = null,
    QueryExpr? AsQuery = null) : SqlStatement;

public sealed record CreateViewStatement(
    SqlList<string> Name, bool Temporary, bool IfNotExists, SqlList<string> Columns, string? Comment, QueryExpr Query) : SqlStatement;

public enum FunctionLanguage { Java, Scala, Python }

public sealed record CreateFunctionStatement(
    SqlList<string> Name, bool Temporary, bool System, bool IfNotExists, string ClassName, FunctionLanguage? Language) : SqlStatement;

public enum ObjectKind { Table, View, Function }

public sealed record DropStatement(ObjectKind Kind, SqlList<string> Name, bool IfExists, bool Temporary, bool System) : SqlStatement;

public enum ShowKind { Tables, Views, Functions, Catalogs, Databases, Modules }

public sealed record ShowStatement(ShowKind Kind) : SqlStatement;

public sealed record DescribeStatement(SqlList<string> Name) : SqlStatement;

/// <summary>EXPLAIN [PLAN FOR | detail, ...] statement. Details are upper-case words such as CHANGELOG_MODE.</summary>
public sealed record ExplainStatement(SqlStatement Statement, SqlList<string> Details) : SqlStatement;

/// <summary><c>SET 'key' = 'value'</c>, or bare SET (Key null) to list the settings.</summary>
public sealed record SetStatement(string? Key, string? Value) : SqlStatement;

/// <summary><c>RESET 'key'</c>, or bare RESET (Key null) for all.</summary>
public sealed record ResetStatement(string? Key) : SqlStatement;

public sealed record UseStatement(bool Catalog, SqlList<string> Name) : SqlStatement;

/// <summary>INSERT INTO|OVERWRITE name [(cols)] query; VALUES is a query.</summary>
public sealed record InsertStatement(SqlList<string> Target, bool Overwrite, SqlList<string> Columns, QueryExpr Source) : SqlStatement;

/// <summary>EXECUTE STATEMENT SET BEGIN insert; ... END.</summary>
public sealed record StatementSetStatement(SqlList<InsertStatement> Inserts) : SqlStatement;
