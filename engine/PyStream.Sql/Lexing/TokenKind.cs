namespace PyStream.Sql.Lexing;

public enum TokenKind
{
    /// <summary>An unquoted word: a keyword or an identifier, compared case-insensitively as a keyword.</summary>
    Word,

    /// <summary>A `backquoted` identifier; its text keeps its case and is never a keyword.</summary>
    QuotedIdentifier,

    /// <summary>A 'string literal'; the text is the value with '' unescaped.</summary>
    String,

    /// <summary>A binary literal X'0AFF'; the text is the hex digits.</summary>
    BinaryString,

    /// <summary>An exact integer literal such as 42.</summary>
    Integer,

    /// <summary>An exact decimal literal such as 4.2 or .5.</summary>
    Decimal,

    /// <summary>An approximate literal with an exponent such as 1.5E-3.</summary>
    Approximate,

    /// <summary>An operator or punctuation: ( ) [ ] , ; . + - * / % || = &lt;&gt; != &lt; &gt; &lt;= &gt;= =&gt;.</summary>
    Symbol,

    End,
}
