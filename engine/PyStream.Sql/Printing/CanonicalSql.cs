using PyStream.Sql.Ast;

namespace PyStream.Sql.Printing;

/// <summary>Renders trees as text; an extension so that the tree does not depend on its printer.</summary>
public static class CanonicalSql
{
    /// <summary>The node as canonical SQL text that parses back to an equal tree.</summary>
    public static string ToSql(this SqlNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return SqlPrinter.Print(node);
    }
}
