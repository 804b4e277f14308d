using System.Linq.Expressions;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Compiling;

/// <summary>
/// An expression's value inside the generated loop: <see cref="Value"/> (of the type's CLR type,
/// cheap to read again: a variable, a constant or an array element) and <see cref="IsNull"/>,
/// absent when the value cannot be null.
/// </summary>
internal readonly record struct CompiledValue(Expression Value, Expression? IsNull)
{
    public bool AlwaysNull => IsNull is ConstantExpression { Value: true };
}

/// <summary>A node compiled already, reused as an operand (the x of <c>x IN (...)</c> is evaluated once).</summary>
internal sealed record Precompiled(CompiledValue Compiled, SqlType Type) : BoundExpr(Type);
