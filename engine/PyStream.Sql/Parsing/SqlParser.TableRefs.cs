using PyStream.Sql.Ast;

namespace PyStream.Sql.Parsing;

// FROM: table names, subqueries, table functions, UNNEST, and joins.
public sealed partial class SqlParser
{
    private TableRef ParseTableRef()
    {
        using var scope = Nest();
        var left = ParseTablePrimary();
        var links = 0;
        while (ParseJoinKind() is { } kind)
        {
            var right = ParseTablePrimary();
            SqlExpr? on = null;
            SqlList<string>? usingColumns = null;
            if (kind != JoinKind.Cross)
            {
                if (AcceptWord("ON"))
                {
                    on = ParseExpr();
                }
                else if (AcceptWord("USING"))
                {
                    usingColumns = ParseIdentifierList();
                }
                else
                {
                    throw Unexpected();
                }
            }
            left = At(left.Position, new JoinRef(kind, left, right, on, usingColumns));
            AddChainLink(ref links);
        }
        ReleaseChainLinks(links);
        return left;
    }

    private JoinKind? ParseJoinKind()
    {
        if (AcceptWord("JOIN") || AcceptWords("INNER", "JOIN"))
            return JoinKind.Inner;
        if (AcceptWords("CROSS", "JOIN"))
            return JoinKind.Cross;
        if (IsWord("NATURAL"))
            throw Unsupported("NATURAL JOIN", Current);
        foreach (var (word, kind) in new[] { ("LEFT", JoinKind.Left), ("RIGHT", JoinKind.Right), ("FULL", JoinKind.Full) })
        {
            if (AcceptWord(word))
            {
                AcceptWord("OUTER");
                ExpectWord("JOIN");
                return kind;
            }
        }
        return null;
    }

    private TableRef ParseTablePrimary()
    {
        var start = Here;
        TableRef table;
        if (AcceptWord("LATERAL"))
        {
            if (AcceptWord("TABLE"))
            {
                table = ParseTableFunction(start, lateral: true);
            }
            else
            {
                ExpectSymbol("(");
                var query = ParseQuery();
                ExpectSymbol(")");
                table = At(start, new DerivedTableRef(query, Lateral: true, ParseOptionalAlias()));
            }
        }
        else if (AcceptWord("TABLE"))
        {
            table = ParseTableFunction(start, lateral: false);
        }
        else if (AcceptWord("UNNEST"))
        {
            ExpectSymbol("(");
            var args = ParseCommaSeparated(() => ParseExpr());
            ExpectSymbol(")");
            var ordinality = AcceptWords("WITH", "ORDINALITY");
            table = At(start, new UnnestRef(args, ordinality, ParseOptionalAlias()));
        }
        else if (AcceptSymbol("("))
        {
            if (IsQueryAfterParentheses())
            {
                var query = ParseQuery();
                ExpectSymbol(")");
                table = At(start, new DerivedTableRef(query, Lateral: false, ParseOptionalAlias()));
            }
            else
            {
                table = ParseTableRef();
                ExpectSymbol(")");
            }
        }
        else
        {
            var name = ParseCompoundName();
            SqlExpr? asOf = null;
            if (AcceptWords("FOR", "SYSTEM_TIME"))
            {
                ExpectWord("AS");
                ExpectWord("OF");
                asOf = ParseExpr();
            }
            table = At(start, new NamedTableRef(name, asOf, ParseOptionalAlias()));
        }
        return IsWord("MATCH_RECOGNIZE") ? ParseMatchRecognize(table) : table;
    }

    /// <summary>True when SELECT, WITH or VALUES follows any number of opening parentheses.</summary>
    private bool IsQueryAfterParentheses()
    {
        var ahead = 0;
        while (PeekAhead(ahead).IsSymbol("("))
            ahead++;
        var token = PeekAhead(ahead);
        return token.IsWord("SELECT") || token.IsWord("WITH") || token.IsWord("VALUES");
    }

    private TableFunctionRef ParseTableFunction(SourcePosition start, bool lateral)
    {
        ExpectSymbol("(");
        var callStart = Here;
        var name = ParseCompoundName();
        var call = ParseCall(name, callStart);
        ExpectSymbol(")");
        return At(start, new TableFunctionRef(call, lateral, ParseOptionalAlias()));
    }

    private TableAlias? ParseOptionalAlias()
    {
        var start = Here;
        if (!AcceptWord("AS") && !IsIdentifierStart())
            return null;
        var name = ParseIdentifier();
        var columns = IsSymbol("(") ? ParseIdentifierList() : SqlList<string>.Empty;
        return At(start, new TableAlias(name, columns));
    }
}
