using PyStream.Sql.Ast;

namespace PyStream.Sql.Tests.Parsing;

/// <summary>Short constructors for expected trees written by hand.</summary>
internal static class AstBuilders
{
    public static IdentifierExpr Id(params string[] parts) => new(SqlList.From(parts));

    public static NumericLiteral Int(int value) => new(value.ToString(System.Globalization.CultureInfo.InvariantCulture), NumericKind.Integer);

    public static StringLiteral Str(string value) => new(value);

    public static BinaryExpr Bin(BinaryOperator op, SqlExpr left, SqlExpr right) => new(op, left, right);

    public static BinaryExpr And(SqlExpr left, SqlExpr right) => new(BinaryOperator.And, left, right);

    public static BinaryExpr Or(SqlExpr left, SqlExpr right) => new(BinaryOperator.Or, left, right);

    public static BinaryExpr Eq(SqlExpr left, SqlExpr right) => new(BinaryOperator.Equals, left, right);

    public static BinaryExpr Plus(SqlExpr left, SqlExpr right) => new(BinaryOperator.Plus, left, right);

    public static BinaryExpr Times(SqlExpr left, SqlExpr right) => new(BinaryOperator.Multiply, left, right);

    public static UnaryExpr Not(SqlExpr operand) => new(UnaryOperator.Not, operand);

    public static FunctionCall Call(string name, params SqlExpr[] args) => new([name], SqlList.From(args));

    public static SelectItem Item(SqlExpr expr, string? alias = null) => new(expr, alias);

    public static NamedTableRef Table(params string[] name) => new(SqlList.From(name));

    public static PrimitiveType Type(SqlTypeName name, int? precision = null, int? scale = null) => new(name, precision, scale);

    public static SelectQuery Select(SqlList<SelectItem> items, SqlList<TableRef> from, SqlExpr? where = null) =>
        new(false, items, from, where);
}
