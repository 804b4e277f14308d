namespace PyStream.Sql.Ast;

// MATCH_RECOGNIZE: a table reference that finds row patterns in its input. Grouped in one file as a grammar is.

public enum RowsPerMatch { OneRow, AllRows }

public enum AfterMatchKind { PastLastRow, ToNextRow, ToFirst, ToLast }

/// <summary><c>AFTER MATCH SKIP ...</c>; <see cref="Variable"/> names the variable of <c>TO FIRST v</c> / <c>TO LAST v</c>.</summary>
public sealed record AfterMatchClause(AfterMatchKind Kind, string? Variable = null) : SqlNode;

/// <summary>A row pattern of <c>PATTERN (...)</c>, as a regular expression over pattern variables.</summary>
public abstract record PatternTerm : SqlNode;

public sealed record PatternVariable(string Name) : PatternTerm;

/// <summary>Terms one after the other (<c>A B C</c>); parentheses without a quantifier add nothing and are flattened.</summary>
public sealed record PatternSequence(SqlList<PatternTerm> Terms) : PatternTerm;

/// <summary>
/// <c>term*</c>, <c>+</c>, <c>?</c>, <c>{n}</c>, <c>{n,}</c>, <c>{n,m}</c>, <c>{,m}</c>: between
/// <see cref="Min"/> and <see cref="Max"/> (null: no bound) repetitions; reluctant with a trailing <c>?</c>.
/// </summary>
public sealed record QuantifiedPattern(PatternTerm Term, int Min, int? Max, bool Reluctant) : PatternTerm;

/// <summary><c>v AS condition</c> in DEFINE.</summary>
public sealed record PatternDefinitionItem(string Variable, SqlExpr Condition) : SqlNode;

/// <summary>
/// <c>input MATCH_RECOGNIZE (PARTITION BY .. ORDER BY .. MEASURES .. ONE ROW PER MATCH AFTER MATCH SKIP ..
/// PATTERN (..) WITHIN INTERVAL .. DEFINE ..) [AS alias]</c>. <see cref="After"/> is null when not written.
/// </summary>
public sealed record MatchRecognizeRef(
    TableRef Input,
    SqlList<SqlExpr> PartitionBy,
    SqlList<OrderItem> OrderBy,
    SqlList<SelectItem> Measures,
    RowsPerMatch? Rows,
    AfterMatchClause? After,
    PatternTerm Pattern,
    SqlExpr? Within,
    SqlList<PatternDefinitionItem> Define,
    TableAlias? Alias) : TableRef;
