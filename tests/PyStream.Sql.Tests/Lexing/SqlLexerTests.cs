using PyStream.Sql.Lexing;

namespace PyStream.Sql.Tests.Lexing;

public class SqlLexerTests
{
    private static List<(TokenKind Kind, string Text)> Lex(string sql) =>
        SqlLexer.Tokenize(sql).Select(t => (t.Kind, t.Text)).ToList();

    [Fact]
    public void Words_keep_their_case_and_backquoted_identifiers_keep_everything()
    {
        Assert.Equal(
            [(TokenKind.Word, "select"), (TokenKind.QuotedIdentifier, "My Col"), (TokenKind.QuotedIdentifier, "a`b"), (TokenKind.End, "")],
            Lex("select `My Col` `a``b`"));
    }

    [Fact]
    public void Strings_unescape_doubled_quotes()
    {
        Assert.Equal([(TokenKind.String, "it's"), (TokenKind.String, ""), (TokenKind.End, "")], Lex("'it''s' ''"));
    }

    [Theory]
    [InlineData("42", TokenKind.Integer, "42")]
    [InlineData("4.20", TokenKind.Decimal, "4.20")]
    [InlineData(".5", TokenKind.Decimal, ".5")]
    [InlineData("1.", TokenKind.Decimal, "1.")]
    [InlineData("1e10", TokenKind.Approximate, "1E10")]
    [InlineData("1.5E-3", TokenKind.Approximate, "1.5E-3")]
    [InlineData("2e+7", TokenKind.Approximate, "2E+7")]
    [InlineData("X'0aFF'", TokenKind.BinaryString, "0AFF")]
    public void Numbers_and_binary_literals(string sql, TokenKind kind, string text)
    {
        Assert.Equal([(kind, text), (TokenKind.End, "")], Lex(sql));
    }

    [Fact]
    public void Operators_take_the_longest_match()
    {
        Assert.Equal(
            ["<>", "<=", ">=", "!=", "||", "=>", "<", ">", "=", "-", "*"],
            SqlLexer.Tokenize("<> <= >= != || => < > = - *").Where(t => t.Kind == TokenKind.Symbol).Select(t => t.Text));
    }

    [Fact]
    public void Comments_are_skipped_and_positions_are_one_based()
    {
        var tokens = SqlLexer.Tokenize("-- header\nSELECT /* a\n comment */ x,\n\t y");
        Assert.Equal(
            [("SELECT", 2, 1), ("x", 3, 13), (",", 3, 14), ("y", 4, 3), ("", 4, 4)],
            tokens.Select(t => (t.Text, t.Position.Line, t.Position.Column)));
    }

    [Theory]
    [InlineData("'abc", 1, 1, "unterminated string literal")]
    [InlineData("a /* x", 1, 3, "unterminated comment")]
    [InlineData("SELECT \"x\"", 1, 8, "double quotes")]
    [InlineData("a\n  # b", 2, 3, "unexpected character '#'")]
    [InlineData("SELECT 1e", 1, 8, "malformed number")]
    [InlineData("SELECT 12abc", 1, 8, "malformed number")]
    [InlineData("SELECT X'ABC'", 1, 8, "even number of hex digits")]
    [InlineData("SELECT /*+ OPTIONS('a'='b') */ 1", 1, 8, "SQL hints")]
    [InlineData("SELECT ``", 1, 8, "must not be empty")]
    public void Lexical_errors_name_their_position(string sql, int line, int column, string fragment)
    {
        var error = Assert.Throws<SqlParseException>(() => SqlLexer.Tokenize(sql));
        Assert.Equal(new SourcePosition(line, column), error.Position);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"SQL parse error at line {line}, column {column}: ", error.Message, StringComparison.Ordinal);
    }
}
