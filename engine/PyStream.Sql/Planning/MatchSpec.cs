using PyStream.Engine.Cep;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

// What a MATCH_RECOGNIZE computes, as the binder hands it to the operator. Grouped in one file as PlanNodes.cs is.

public enum NavigationKind
{
    /// <summary><c>FIRST(v.col, n)</c>: the n-th row (from 0) of the variable's rows.</summary>
    First,

    /// <summary><c>LAST(v.col, n)</c>, <c>v.col</c>, <c>PREV(v.col, n)</c>: the n-th row from the last.</summary>
    Last,

    /// <summary>An aggregate over the variable's rows: <c>SUM(v.col)</c>, <c>COUNT(*)</c>.</summary>
    Aggregate,

    /// <summary><c>CLASSIFIER()</c>: the variable of the match's last row.</summary>
    Classifier,

    /// <summary><c>MATCH_ROWTIME()</c>: the time of the match's last row.</summary>
    MatchRowtime,

    /// <summary><c>MATCH_PROCTIME()</c>: the time the match is emitted.</summary>
    MatchProctime,
}

/// <summary>
/// One value a DEFINE condition or a measure reads from the (partial) match rather than from the
/// current row. <see cref="Variable"/> null means every row of the match (an unqualified column);
/// <see cref="Column"/> is an input column (-1 for <c>COUNT(*)</c>). In a DEFINE condition the
/// rows of the variable being defined, and every row, include the current row, as in Flink.
/// </summary>
public sealed record MatchNavigation(NavigationKind Kind, string? Variable, int Column, int Offset, SqlType Type, AggCall? Aggregate = null);

/// <summary>
/// The condition of one pattern variable: a boolean expression over the input's columns followed
/// by one column per navigation. Without navigations it depends on the row alone (simple).
/// </summary>
public sealed record MatchCondition(string Variable, BoundExpr Condition, IReadOnlyList<MatchNavigation> Navigations)
{
    public bool Iterative => Navigations.Count > 0;
}

/// <summary>
/// What a MATCH_RECOGNIZE computes: rows partitioned by <see cref="PartitionKeys"/> and ordered by
/// the time attribute at <see cref="OrderIndex"/> (input columns), rows of equal time by
/// <see cref="TieOrder"/> (the ORDER BY keys after the time attribute; empty: arrival order), the pattern in the engine's
/// terms with its conditions (numbered as <see cref="Conditions"/>), and the output: the partition
/// columns, then <see cref="Measures"/> over the partition columns followed by one column per
/// measure navigation. <see cref="Explain"/> holds the plan's description of each clause.
/// </summary>
public sealed record MatchSpec(
    IReadOnlyList<int> PartitionKeys,
    int OrderIndex,
    IReadOnlyList<SortKey> TieOrder,
    bool ProcTime,
    PatternDefinition Pattern,
    IReadOnlyList<MatchCondition> Conditions,
    IReadOnlyList<BoundExpr> Measures,
    IReadOnlyList<MatchNavigation> MeasureNavigations,
    MatchExplain Explain);

/// <summary>The clauses of a MATCH_RECOGNIZE as EXPLAIN shows them.</summary>
public sealed record MatchExplain(string Measures, string After, string Pattern, string Define);
