namespace PyStream.Sql.Lexing;

/// <summary>One lexical token with the position of its first character.</summary>
public readonly record struct Token(TokenKind Kind, string Text, SourcePosition Position)
{
    public bool IsSymbol(string symbol) => Kind == TokenKind.Symbol && Text == symbol;

    public bool IsWord(string keyword) => Kind == TokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>The token as an error message shows it: as written, in quotes.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of input",
        TokenKind.String => "string '" + Text.Replace("'", "''", StringComparison.Ordinal) + "'",
        TokenKind.BinaryString => "X'" + Text + "'",
        TokenKind.QuotedIdentifier => "'`" + Text.Replace("`", "``", StringComparison.Ordinal) + "`'",
        _ => "'" + Text + "'",
    };
}
