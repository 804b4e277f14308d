using PyStream.Sql.Ast;

namespace PyStream.Sql.Parsing;

// OVER (...) window specifications and ORDER BY items.
public sealed partial class SqlParser
{
    private WindowSpec ParseWindowSpec()
    {
        var start = Here;
        ExpectSymbol("(");
        var reference = IsIdentifierStart() && !IsWord("RANGE") ? ParseIdentifier() : null;
        var partitionBy = SqlList<SqlExpr>.Empty;
        if (AcceptWord("PARTITION"))
        {
            ExpectWord("BY");
            partitionBy = ParseCommaSeparated(() => ParseExpr());
        }
        var orderBy = ParseOptionalOrderBy();
        WindowFrame? frame = null;
        var frameStart = Here;
        if (AcceptWord("ROWS"))
            frame = ParseFrame(FrameUnit.Rows, frameStart);
        else if (AcceptWord("RANGE"))
            frame = ParseFrame(FrameUnit.Range, frameStart);
        ExpectSymbol(")");
        return At(start, new WindowSpec(reference, partitionBy, orderBy, frame));
    }

    private WindowFrame ParseFrame(FrameUnit unit, SourcePosition start)
    {
        if (!AcceptWord("BETWEEN"))
            return At(start, new WindowFrame(unit, ParseFrameBound(), null));
        var lower = ParseFrameBound();
        ExpectWord("AND");
        return At(start, new WindowFrame(unit, lower, ParseFrameBound()));
    }

    private FrameBound ParseFrameBound()
    {
        var start = Here;
        if (AcceptWord("UNBOUNDED"))
        {
            if (AcceptWord("PRECEDING"))
                return At(start, new FrameBound(FrameBoundKind.UnboundedPreceding));
            ExpectWord("FOLLOWING");
            return At(start, new FrameBound(FrameBoundKind.UnboundedFollowing));
        }
        if (AcceptWords("CURRENT", "ROW"))
            return At(start, new FrameBound(FrameBoundKind.CurrentRow));
        var offset = ParseExpr(Precedence.And);
        if (AcceptWord("PRECEDING"))
            return At(start, new FrameBound(FrameBoundKind.Preceding, offset));
        ExpectWord("FOLLOWING");
        return At(start, new FrameBound(FrameBoundKind.Following, offset));
    }

    private SqlList<OrderItem> ParseOptionalOrderBy()
    {
        if (!AcceptWord("ORDER"))
            return SqlList<OrderItem>.Empty;
        ExpectWord("BY");
        return ParseCommaSeparated(ParseOrderItem);
    }

    private OrderItem ParseOrderItem()
    {
        var start = Here;
        var expr = ParseExpr();
        var direction = AcceptWord("ASC") ? SortDirection.Ascending
            : AcceptWord("DESC") ? SortDirection.Descending
            : SortDirection.Unspecified;
        var nulls = NullOrdering.Unspecified;
        if (AcceptWord("NULLS"))
        {
            if (AcceptWord("FIRST"))
                nulls = NullOrdering.First;
            else if (AcceptWord("LAST"))
                nulls = NullOrdering.Last;
            else
                throw Unexpected();
        }
        return At(start, new OrderItem(expr, direction, nulls));
    }
}
