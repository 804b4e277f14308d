using PyStream.Sql.Ast;

namespace PyStream.Sql.Parsing;

// Queries: WITH, set operations, SELECT, VALUES, ORDER BY / LIMIT / OFFSET / FETCH.
public sealed partial class SqlParser
{
    private const int UnionPrecedence = 1;
    private const int IntersectPrecedence = 2;

    private QueryExpr ParseQuery()
    {
        using var scope = Nest();
        var start = Here;
        if (AcceptWord("WITH"))
        {
            var ctes = ParseCommaSeparated(ParseCommonTableExpr);
            return At(start, new WithQuery(ctes, ParseQuery()));
        }
        var body = ParseSetExpression(0);
        var orderBy = ParseOptionalOrderBy();
        SqlExpr? limit = null;
        SqlExpr? offset = null;
        if (AcceptWord("LIMIT"))
            limit = ParseExpr();
        if (AcceptWord("OFFSET"))
        {
            offset = ParseExpr();
            if (!AcceptWord("ROWS"))
                AcceptWord("ROW");
        }
        if (limit is null && AcceptWord("FETCH"))
            limit = ParseFetch();
        if (orderBy.Count == 0 && limit is null && offset is null)
            return body;
        return At(start, new OrderedQuery(body, orderBy, limit, offset));
    }

    /// <summary>FETCH FIRST|NEXT n ROW|ROWS ONLY, read as LIMIT n.</summary>
    private SqlExpr ParseFetch()
    {
        if (!AcceptWord("FIRST"))
            ExpectWord("NEXT");
        var count = ParseExpr();
        if (!AcceptWord("ROWS"))
            ExpectWord("ROW");
        ExpectWord("ONLY");
        return count;
    }

    private CommonTableExpr ParseCommonTableExpr()
    {
        var start = Here;
        var name = ParseIdentifier();
        var columns = IsSymbol("(") ? ParseIdentifierList() : SqlList<string>.Empty;
        ExpectWord("AS");
        ExpectSymbol("(");
        var query = ParseQuery();
        ExpectSymbol(")");
        return At(start, new CommonTableExpr(name, columns, query));
    }

    /// <summary>UNION and EXCEPT bind looser than INTERSECT; all associate to the left.</summary>
    private QueryExpr ParseSetExpression(int minPrecedence)
    {
        var left = ParseQueryPrimary();
        var links = 0;
        while (true)
        {
            var op = IsWord("UNION") ? SetOperator.Union
                : IsWord("EXCEPT") ? SetOperator.Except
                : IsWord("INTERSECT") ? SetOperator.Intersect
                : (SetOperator?)null;
            var precedence = op == SetOperator.Intersect ? IntersectPrecedence : UnionPrecedence;
            if (op is null || precedence <= minPrecedence)
            {
                Expecting("UNION");
                ReleaseChainLinks(links);
                return left;
            }
            Advance();
            var all = AcceptWord("ALL");
            if (!all)
                AcceptWord("DISTINCT");
            var right = ParseSetExpression(precedence);
            left = At(left.Position, new SetOperation(op.Value, all, left, right));
            AddChainLink(ref links);
        }
    }

    private QueryExpr ParseQueryPrimary()
    {
        using var scope = Nest();
        var start = Here;
        if (IsWord("SELECT"))
            return ParseSelect();
        if (AcceptWord("VALUES"))
        {
            var rows = ParseCommaSeparated(ParseValuesRow);
            return At(start, new ValuesQuery(rows));
        }
        if (AcceptSymbol("("))
        {
            var query = ParseQuery();
            ExpectSymbol(")");
            return query;
        }
        Expecting("SELECT");
        Expecting("VALUES");
        throw Unexpected();
    }

    /// <summary>A row of VALUES: (a, b) or a single value.</summary>
    private SqlList<SqlExpr> ParseValuesRow()
    {
        var row = ParseExpr();
        return row is RowExpr { Explicit: false } implicitRow ? implicitRow.Items : [row];
    }

    private SelectQuery ParseSelect()
    {
        var start = Here;
        ExpectWord("SELECT");
        var distinct = AcceptWord("DISTINCT");
        if (!distinct)
            AcceptWord("ALL");
        var items = ParseCommaSeparated(ParseSelectItem);
        var from = AcceptWord("FROM") ? ParseCommaSeparated(ParseTableRef) : SqlList<TableRef>.Empty;
        var where = AcceptWord("WHERE") ? ParseExpr() : null;
        SqlList<SqlExpr>? groupBy = null;
        if (AcceptWord("GROUP"))
        {
            ExpectWord("BY");
            groupBy = ParseCommaSeparated(ParseGroupingElement);
        }
        var having = AcceptWord("HAVING") ? ParseExpr() : null;
        SqlList<NamedWindow>? windows = null;
        if (AcceptWord("WINDOW"))
            windows = ParseCommaSeparated(ParseNamedWindow);
        return At(start, new SelectQuery(distinct, items, from, where, groupBy, having, windows));
    }

    private SelectItem ParseSelectItem()
    {
        var start = Here;
        if (AcceptSymbol("*"))
            return At(start, new SelectItem(At(start, new StarExpr([]))));
        var expr = ParseExpr();
        if (AcceptWord("AS"))
            return At(start, new SelectItem(expr, ParseIdentifier()));
        if (IsIdentifierStart())
            return At(start, new SelectItem(expr, ParseIdentifier()));
        Expecting("AS");
        return At(start, new SelectItem(expr));
    }

    private SqlExpr ParseGroupingElement()
    {
        var start = Here;
        if (AcceptWords("GROUPING", "SETS"))
            return At(start, new GroupingExpr(GroupingKind.GroupingSets, ParseGroupingList()));
        if (IsWord("ROLLUP") && PeekAhead(1).IsSymbol("("))
        {
            Advance();
            return At(start, new GroupingExpr(GroupingKind.Rollup, ParseGroupingList()));
        }
        if (IsWord("CUBE") && PeekAhead(1).IsSymbol("("))
        {
            Advance();
            return At(start, new GroupingExpr(GroupingKind.Cube, ParseGroupingList()));
        }
        return ParseExpr();
    }

    private SqlList<SqlExpr> ParseGroupingList()
    {
        ExpectSymbol("(");
        var items = ParseCommaSeparated(ParseGroupingElement);
        ExpectSymbol(")");
        return items;
    }

    private NamedWindow ParseNamedWindow()
    {
        var start = Here;
        var name = ParseIdentifier();
        ExpectWord("AS");
        return At(start, new NamedWindow(name, ParseWindowSpec()));
    }
}
