namespace PyStream.Sql.Parsing;

/// <summary>
/// Binding powers of the Pratt parser, in Calcite's order: OR below AND below NOT below IS below
/// comparisons (and IN) below BETWEEN/LIKE/SIMILAR below + - below * / % || below unary signs
/// below item and field access. All binary operators associate to the left.
/// </summary>
internal static class Precedence
{
    public const int Lowest = 0;
    public const int Or = 10;
    public const int And = 20;
    public const int Not = 25;
    public const int Is = 28;
    public const int Comparison = 30;
    public const int Like = 32;
    public const int Additive = 40;
    public const int Multiplicative = 60;
    public const int Unary = 80;
    public const int Postfix = 90;
}
