using System.Text;

namespace PyStream.Sql.Lexing;

/// <summary>
/// Splits Flink SQL into tokens with Calcite's default lexical policy as Flink configures it:
/// backquotes quote identifiers, single quotes quote strings ('' escapes a quote), unquoted
/// words keep their case (keywords match case-insensitively), and -- and /* */ are comments.
/// </summary>
public static class SqlLexer
{
    private static readonly string[] Symbols =
        ["<>", "<=", ">=", "!=", "||", "=>", "(", ")", "[", "]", ",", ";", ".", "+", "-", "*", "/", "%", "=", "<", ">", "{", "}", "?", "|"];

    public static IReadOnlyList<Token> Tokenize(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var reader = new SourceReader(sql);
        var tokens = new List<Token>();
        while (true)
        {
            SkipSpaceAndComments(reader);
            var start = reader.Position;
            if (reader.AtEnd)
            {
                tokens.Add(new Token(TokenKind.End, "", start));
                return tokens;
            }
            tokens.Add(ReadToken(reader, start));
        }
    }

    private static Token ReadToken(SourceReader reader, SourcePosition start)
    {
        var c = reader.Peek();
        if ((c is 'x' or 'X') && reader.Peek(1) == '\'')
        {
            reader.Advance();
            return new Token(TokenKind.BinaryString, ReadBinary(reader, start), start);
        }
        if (char.IsLetter(c) || c == '_')
            return new Token(TokenKind.Word, reader.TakeWhile(ch => char.IsLetterOrDigit(ch) || ch == '_' || ch == '$'), start);
        if (char.IsDigit(c) || (c == '.' && char.IsDigit(reader.Peek(1))))
            return ReadNumber(reader, start);
        if (c == '\'')
            return new Token(TokenKind.String, ReadQuoted(reader, '\'', start, "string literal"), start);
        if (c == '`')
        {
            var name = ReadQuoted(reader, '`', start, "quoted identifier");
            if (name.Length == 0)
                throw new SqlParseException("an identifier in backquotes must not be empty", start, "``");
            return new Token(TokenKind.QuotedIdentifier, name, start);
        }
        if (c == '"')
            throw new SqlParseException("double quotes are not identifier quotes in Flink SQL; use `backquotes` for identifiers and 'single quotes' for strings", start, "\"");
        foreach (var symbol in Symbols)
        {
            if (reader.StartsWith(symbol))
            {
                reader.Advance(symbol.Length);
                return new Token(TokenKind.Symbol, symbol, start);
            }
        }
        throw new SqlParseException($"unexpected character '{c}'", start, c.ToString());
    }

    private static void SkipSpaceAndComments(SourceReader reader)
    {
        while (!reader.AtEnd)
        {
            if (char.IsWhiteSpace(reader.Peek()))
            {
                reader.Advance();
            }
            else if (reader.StartsWith("--"))
            {
                reader.TakeWhile(ch => ch != '\n');
            }
            else if (reader.StartsWith("/*"))
            {
                var start = reader.Position;
                if (reader.StartsWith("/*+"))
                    throw new SqlParseException("SQL hints (/*+ ... */) are not supported yet", start, "/*+");
                reader.Advance(2);
                while (!reader.StartsWith("*/"))
                {
                    if (reader.AtEnd)
                        throw new SqlParseException("unterminated comment: expected */", start, "/*");
                    reader.Advance();
                }
                reader.Advance(2);
            }
            else
            {
                return;
            }
        }
    }

    private static Token ReadNumber(SourceReader reader, SourcePosition start)
    {
        var text = new StringBuilder(reader.TakeWhile(char.IsDigit));
        var kind = TokenKind.Integer;
        if (reader.Peek() == '.' && !(reader.Peek(1) == '.'))
        {
            reader.Advance();
            text.Append('.').Append(reader.TakeWhile(char.IsDigit));
            kind = TokenKind.Decimal;
        }
        if (reader.Peek() is 'e' or 'E')
        {
            var signLength = reader.Peek(1) is '+' or '-' ? 1 : 0;
            if (!char.IsDigit(reader.Peek(1 + signLength)))
                throw new SqlParseException("malformed number: expected digits after the exponent", start, text + "E");
            text.Append('E');
            reader.Advance();
            if (signLength == 1)
                text.Append(reader.Advance());
            text.Append(reader.TakeWhile(char.IsDigit));
            kind = TokenKind.Approximate;
        }
        if (char.IsLetter(reader.Peek()) || reader.Peek() == '_')
            throw new SqlParseException($"malformed number: '{text}' is followed by '{reader.Peek()}'", start, text.ToString());
        return new Token(kind, text.ToString(), start);
    }

    private static string ReadQuoted(SourceReader reader, char quote, SourcePosition start, string what)
    {
        reader.Advance();
        var value = new StringBuilder();
        while (true)
        {
            if (reader.AtEnd)
                throw new SqlParseException($"unterminated {what}: expected closing {quote}", start, quote.ToString());
            var ch = reader.Advance();
            if (ch != quote)
            {
                value.Append(ch);
            }
            else if (reader.Peek() == quote)
            {
                reader.Advance();
                value.Append(quote);
            }
            else
            {
                return value.ToString();
            }
        }
    }

    private static string ReadBinary(SourceReader reader, SourcePosition start)
    {
        var digits = ReadQuoted(reader, '\'', start, "binary literal");
        if (digits.Length % 2 != 0 || !digits.All(char.IsAsciiHexDigit))
            throw new SqlParseException("a binary literal X'...' must hold an even number of hex digits", start, "X'" + digits + "'");
        return digits.ToUpperInvariant();
    }
}
