using PyStream.Sql.Ast;
using PyStream.Sql.Lexing;

namespace PyStream.Sql.Parsing;

/// <summary>
/// A hand-written recursive-descent parser for Flink SQL, with a Pratt parser for expressions
/// (docs/sql.md says why). One instance reads one text; the entry points are static.
/// This file holds the token cursor and the error reporting; the grammar is split by area.
/// </summary>
public sealed partial class SqlParser
{
    // Deep enough for any real query, shallow enough that the CLR stack never overflows:
    // while parsing (nesting), and in the recursive walks over the tree that parsing builds,
    // where a left-deep chain such as a OR b OR c ... is as deep as it is long.
    private const int MaxNesting = 200;
    private const int MaxTreeDepth = 1_000;

    private readonly IReadOnlyList<Token> _tokens;
    private readonly List<string> _expected = [];
    private int _index;
    private int _expectedAt = -1;
    private int _nesting;
    private int _chainLinks;

    private SqlParser(string sql) => _tokens = SqlLexer.Tokenize(sql);

    /// <summary>Parses a script: statements separated by ';', as Flink's SQL client reads them.</summary>
    public static SqlList<SqlStatement> ParseScript(string sql)
    {
        var parser = new SqlParser(sql);
        var statements = new List<SqlStatement>();
        while (true)
        {
            while (parser.AcceptSymbol(";"))
            {
            }
            if (parser.AtEnd)
                return SqlList.From(statements);
            statements.Add(parser.ParseStatement());
            if (!parser.AtEnd)
                parser.ExpectSymbol(";");
        }
    }

    /// <summary>Parses exactly one statement, with an optional trailing ';'.</summary>
    public static SqlStatement ParseStatement(string sql)
    {
        var parser = new SqlParser(sql);
        var statement = parser.ParseStatement();
        parser.AcceptSymbol(";");
        parser.ExpectEnd();
        return statement;
    }

    public static QueryExpr ParseQuery(string sql) => ParseWhole(sql, parser => parser.ParseQuery());

    public static SqlExpr ParseExpression(string sql) => ParseWhole(sql, parser => parser.ParseExpr());

    public static SqlDataType ParseDataType(string sql) => ParseWhole(sql, parser => parser.ParseDataType());

    private static T ParseWhole<T>(string sql, Func<SqlParser, T> parse)
    {
        var parser = new SqlParser(sql);
        var result = parse(parser);
        parser.ExpectEnd();
        return result;
    }

    private Token Current => _tokens[_index];

    private bool AtEnd => Current.Kind == TokenKind.End;

    private SourcePosition Here => Current.Position;

    private Token PeekAhead(int ahead) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private Token Advance()
    {
        var token = Current;
        if (token.Kind != TokenKind.End)
            _index++;
        return token;
    }

    /// <summary>True when the current token is the keyword; records nothing (for lookahead).</summary>
    private bool IsWord(string keyword) => Current.IsWord(keyword);

    private bool IsSymbol(string symbol) => Current.IsSymbol(symbol);

    private bool AcceptWord(string keyword)
    {
        if (IsWord(keyword))
        {
            Advance();
            return true;
        }
        Expecting(keyword.ToUpperInvariant());
        return false;
    }

    private bool AcceptWords(string first, string second)
    {
        if (IsWord(first) && PeekAhead(1).IsWord(second))
        {
            Advance();
            Advance();
            return true;
        }
        Expecting(first.ToUpperInvariant() + " " + second.ToUpperInvariant());
        return false;
    }

    private bool AcceptSymbol(string symbol)
    {
        if (IsSymbol(symbol))
        {
            Advance();
            return true;
        }
        Expecting("'" + symbol + "'");
        return false;
    }

    private void ExpectWord(string keyword)
    {
        if (!AcceptWord(keyword))
            throw Unexpected();
    }

    private void ExpectSymbol(string symbol)
    {
        if (!AcceptSymbol(symbol))
            throw Unexpected();
    }

    private void ExpectEnd()
    {
        if (!AtEnd)
        {
            Expecting("end of input");
            throw Unexpected();
        }
    }

    /// <summary>Notes what would have been accepted at the current token, for the error message.</summary>
    private void Expecting(string what)
    {
        if (_expectedAt != _index)
        {
            _expected.Clear();
            _expectedAt = _index;
        }
        if (!_expected.Contains(what))
            _expected.Add(what);
    }

    /// <summary>Drops what was tried at the current token, where one summary says it better.</summary>
    private void ForgetExpectations()
    {
        if (_expectedAt == _index)
            _expected.Clear();
    }

    /// <summary>An error at the current token listing everything that was tried there.</summary>
    private SqlParseException Unexpected()
    {
        var token = Current;
        var expected = _expectedAt == _index ? _expected : [];
        var message = "unexpected " + token.Describe();
        if (expected.Count > 0)
            message += ", expected " + JoinAlternatives(expected);
        return new SqlParseException(message, token.Position, token.Describe());
    }

    private static string JoinAlternatives(List<string> alternatives)
    {
        const int shown = 8;
        if (alternatives.Count == 1)
            return alternatives[0];
        if (alternatives.Count > shown)
            return string.Join(", ", alternatives.Take(shown)) + " or ...";
        return string.Join(", ", alternatives.Take(alternatives.Count - 1)) + " or " + alternatives[^1];
    }

    private SqlParseException Unsupported(string construct, Token at) =>
        new($"{construct} is not supported yet", at.Position, at.Describe());

    /// <summary>Guards recursion so that hostile nesting gives an error, not a stack overflow.</summary>
    private NestingScope Nest()
    {
        if (++_nesting > MaxNesting)
            throw new SqlParseException($"expressions or queries nested deeper than {MaxNesting} levels", Here, Current.Describe());
        return new NestingScope(this);
    }

    private readonly struct NestingScope(SqlParser parser) : IDisposable
    {
        public void Dispose() => parser._nesting--;
    }

    /// <summary>
    /// Counts one more link of a left-deep chain (operators, set operations, joins, type suffixes).
    /// The caller gives its links back with <see cref="ReleaseChainLinks"/> when the chain ends.
    /// </summary>
    private void AddChainLink(ref int links)
    {
        links++;
        if (_nesting + ++_chainLinks > MaxTreeDepth)
        {
            throw new SqlParseException(
                $"expression, query or type deeper than {MaxTreeDepth} levels; split long chains (for example a long OR of equalities into IN (...))",
                Here,
                Current.Describe());
        }
    }

    private void ReleaseChainLinks(int links) => _chainLinks -= links;

    /// <summary>An unquoted non-reserved word or a backquoted identifier.</summary>
    private string ParseIdentifier()
    {
        var token = Current;
        if (token.Kind == TokenKind.QuotedIdentifier || (token.Kind == TokenKind.Word && !SqlKeywords.IsReserved(token.Text)))
        {
            Advance();
            return token.Text;
        }
        Expecting("an identifier");
        throw Unexpected();
    }

    private bool IsIdentifierStart() =>
        Current.Kind == TokenKind.QuotedIdentifier || (Current.Kind == TokenKind.Word && !SqlKeywords.IsReserved(Current.Text));

    /// <summary>A dotted name such as <c>catalog.db.table</c>.</summary>
    private SqlList<string> ParseCompoundName()
    {
        var parts = new List<string> { ParseIdentifier() };
        while (IsSymbol(".") && PeekAhead(1).Kind is TokenKind.Word or TokenKind.QuotedIdentifier)
        {
            Advance();
            parts.Add(ParseIdentifier());
        }
        return SqlList.From(parts);
    }

    private SqlList<string> ParseIdentifierList()
    {
        ExpectSymbol("(");
        var names = ParseCommaSeparated(ParseIdentifier);
        ExpectSymbol(")");
        return names;
    }

    private SqlList<T> ParseCommaSeparated<T>(Func<T> parseItem)
    {
        var items = new List<T> { parseItem() };
        while (AcceptSymbol(","))
            items.Add(parseItem());
        return SqlList.From(items);
    }

    private string ParseStringLiteral()
    {
        if (Current.Kind == TokenKind.String)
            return Advance().Text;
        Expecting("a string literal");
        throw Unexpected();
    }

    private int ParseUnsignedInteger()
    {
        if (Current.Kind == TokenKind.Integer && int.TryParse(Current.Text, out var value))
        {
            Advance();
            return value;
        }
        Expecting("an integer");
        throw Unexpected();
    }

    private static T At<T>(SourcePosition position, T node) where T : SqlNode => (T)((SqlNode)node with { Position = position });
}
