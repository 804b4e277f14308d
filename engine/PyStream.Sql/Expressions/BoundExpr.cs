using PyStream.Sql.Types;

namespace PyStream.Sql.Expressions;

/// <summary>
/// A validated, typed expression over the columns of an operator's input (Calcite's RexNode):
/// names are resolved to column indexes, functions to their definitions, and every node has
/// its type by Flink's inference. Expressions are compiled once per query
/// (<see cref="Compiling"/>), never interpreted per row.
/// </summary>
public abstract record BoundExpr(SqlType Type);

/// <summary>Column <paramref name="Index"/> of the input row.</summary>
public sealed record InputRef(int Index, SqlType Type) : BoundExpr(Type);

/// <summary>A constant in its type's CLR representation (see <see cref="SqlType"/>); null is SQL NULL.</summary>
public sealed record Literal(object? Value, SqlType Type) : BoundExpr(Type);

/// <summary>
/// A call of an operator or function, by its upper-case name in <see cref="Functions"/>:
/// <c>+</c>, <c>=</c>, <c>AND</c>, <c>CAST</c>, <c>CASE</c>, <c>UPPER</c>, ... The binder
/// asks the function library for <paramref name="Type"/>.
/// </summary>
public sealed record CallExpr(string Function, IReadOnlyList<BoundExpr> Operands, SqlType Type) : BoundExpr(Type)
{
    public bool Equals(CallExpr? other) =>
        other is not null && Function == other.Function && Type.Equals(other.Type) && Operands.SequenceEqual(other.Operands);

    public override int GetHashCode() => HashCode.Combine(Function, Operands.Count, Type);
}

/// <summary>
/// A call of a Python user-defined scalar function registered in the catalog as
/// <paramref name="Function"/>. It is not compiled: the planner splits a Calc around it, and a
/// Python operator evaluates it over whole batches.
/// </summary>
public sealed record PythonCallExpr(string Function, IReadOnlyList<BoundExpr> Operands, SqlType Type) : BoundExpr(Type)
{
    public bool Equals(PythonCallExpr? other) =>
        other is not null && Function == other.Function && Type.Equals(other.Type) && Operands.SequenceEqual(other.Operands);

    public override int GetHashCode() => HashCode.Combine(Function, Operands.Count, Type);
}
