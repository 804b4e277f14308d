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
            return At(start, new ResetStatement(Current.Kind == TokenKind.String ? Advance().Text : null));
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

    private ExplainStatement ParseExplain(SourcePosition start)
    {
        var details = new List<string>();
        if (AcceptWord("PLAN"))
        {
            ExpectWord("FOR");
        }
        else
        {
            while (IsWord("ESTIMATED_COST") || IsWord("CHANGELOG_MODE") || IsWord("JSON_EXECUTION_PLAN") || IsWord("PLAN_ADVICE"))
            {
                details.Add(Advance().Text.ToUpperInvariant());
                if (!AcceptSymbol(","))
                    break;
            }
        }
        return At(start, new ExplainStatement(ParseStatement(), SqlList.From(details)));
    }

    private SetStatement ParseSet(SourcePosition start)
    {
        if (Current.Kind != TokenKind.String)
            return At(start, new SetStatement(null, null));
        var key = Advance().Text;
        ExpectSymbol("=");
        return At(start, new SetStatement(key, ParseStringLiteral()));
    }
}
