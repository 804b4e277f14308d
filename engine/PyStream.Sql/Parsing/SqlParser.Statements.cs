using PyStream.Sql.Ast;
using PyStream.Sql.Lexing;

namespace PyStream.Sql.Parsing;

// Statements other than CREATE: queries, INSERT, statement sets, DROP, SHOW, DESCRIBE, EXPLAIN, SET, RESET, USE.
public sealed partial class SqlParser
{
    private SqlStatement ParseStatement()
    {
        var start = Here;
        if (IsQueryStart() || IsSymbol("("))
            return At(start, new QueryStatement(ParseQuery()));
        if (IsWord("INSERT"))
            return ParseInsert();
        if (AcceptWord("CREATE"))
            return ParseCreate(start);
        if (AcceptWord("DROP"))
            return ParseDrop(start);
        if (AcceptWord("SHOW"))
            return ParseShow(start);
        if (AcceptWord("DESCRIBE") || AcceptWord("DESC"))
            return At(start, new DescribeStatement(ParseCompoundName()));
        if (AcceptWord("EXPLAIN"))
            return ParseExplain(start);
        if (AcceptWord("SET"))
            return ParseSet(start);
        if (AcceptWord("RESET"))
            return At(start, new ResetStatement(ParseOptionalKey()));
        if (AcceptWord("USE"))
        {
            var catalog = AcceptWord("CATALOG");
            return At(start, new UseStatement(catalog, ParseCompoundName()));
        }
        if (AcceptWord("EXECUTE"))
            return ParseStatementSet(start);
        ForgetExpectations();
        Expecting("a statement (SELECT, INSERT, CREATE, DROP, SHOW, DESCRIBE, EXPLAIN, SET, RESET, USE, EXECUTE)");
        throw Unexpected();
    }

    private InsertStatement ParseInsert()
    {
        var start = Here;
        ExpectWord("INSERT");
        var overwrite = AcceptWord("OVERWRITE");
        if (!overwrite)
            ExpectWord("INTO");
        var target = ParseCompoundName();
        if (IsWord("PARTITION"))
            throw Unsupported("INSERT ... PARTITION (...)", Current);
        var hasColumnList = IsSymbol("(") && PeekAhead(1).Kind is TokenKind.Word or TokenKind.QuotedIdentifier
            && !(PeekAhead(1).IsWord("SELECT") || PeekAhead(1).IsWord("WITH") || PeekAhead(1).IsWord("VALUES"));
        var columns = hasColumnList ? ParseIdentifierList() : SqlList<string>.Empty;
        return At(start, new InsertStatement(target, overwrite, columns, ParseQuery()));
    }

    /// <summary>EXECUTE STATEMENT SET BEGIN insert; ... END (the trailing ';' before END is required, as in Flink).</summary>
    private StatementSetStatement ParseStatementSet(SourcePosition start)
    {
        ExpectWord("STATEMENT");
        ExpectWord("SET");
        ExpectWord("BEGIN");
        var inserts = new List<InsertStatement>();
        do
        {
            inserts.Add(ParseInsert());
            ExpectSymbol(";");
        }
        while (!AcceptWord("END"));
        return At(start, new StatementSetStatement(SqlList.From(inserts)));
    }

    private DropStatement ParseDrop(SourcePosition start)
    {
        var temporary = AcceptWord("TEMPORARY");
        var system = temporary && AcceptWord("SYSTEM");
        var kind = ParseObjectKind();
        var ifExists = AcceptWord("IF");
        if (ifExists)
            ExpectWord("EXISTS");
        return At(start, new DropStatement(kind, ParseCompoundName(), ifExists, temporary, system));
    }

    private ObjectKind ParseObjectKind()
    {
        if (AcceptWord("TABLE"))
            return ObjectKind.Table;
        if (AcceptWord("VIEW"))
            return ObjectKind.View;
        ExpectWord("FUNCTION");
        return ObjectKind.Function;
    }

    private ShowStatement ParseShow(SourcePosition start)
    {
        foreach (var kind in Enum.GetValues<ShowKind>())
        {
            if (AcceptWord(kind.ToString()))
                return At(start, new ShowStatement(kind));
        }
        throw Unexpected();
    }

    private static readonly string[] ExplainDetails = ["ESTIMATED_COST", "CHANGELOG_MODE", "JSON_EXECUTION_PLAN", "PLAN_ADVICE"];

    private ExplainStatement ParseExplain(SourcePosition start)
    {
        var details = SqlList<string>.Empty;
        if (AcceptWord("PLAN"))
            ExpectWord("FOR");
        else if (ExplainDetails.Any(IsWord))
            details = ParseCommaSeparated(ParseExplainDetail);
        // Flink writes EXPLAIN STATEMENT SET BEGIN ... END, without EXECUTE.
        var explained = IsWord("STATEMENT") ? ParseStatementSet(Here) : ParseStatement();
        return At(start, new ExplainStatement(explained, details));
    }

    private string ParseExplainDetail()
    {
        if (ExplainDetails.Any(IsWord))
            return Advance().Text.ToUpperInvariant();
        Expecting("an EXPLAIN detail (" + string.Join(", ", ExplainDetails) + ")");
        throw Unexpected();
    }

    private SetStatement ParseSet(SourcePosition start)
    {
        var key = ParseOptionalKey();
        if (key is null)
            return At(start, new SetStatement(null, null));
        ExpectSymbol("=");
        return At(start, new SetStatement(key, ParseStringLiteral()));
    }

    /// <summary>The quoted key of SET and RESET; without one they list or reset everything.</summary>
    private string? ParseOptionalKey()
    {
        if (Current.Kind == TokenKind.String)
            return Advance().Text;
        Expecting("a 'key' in single quotes");
        return null;
    }
}
