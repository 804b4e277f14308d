using PyStream.Engine;

namespace PyStream.Sql;

/// <summary>
/// A SQL text that does not parse. The message names the line, the column, the offending
/// token and what the parser expected there.
/// </summary>
public sealed class SqlParseException : PyStreamException
{
    public SqlParseException(string message, SourcePosition position, string? offendingToken = null)
        : base($"SQL parse error at {position}: {message}")
    {
        Position = position;
        OffendingToken = offendingToken;
    }

    public SourcePosition Position { get; }

    /// <summary>The token as written (for example <c>'FORM'</c>), or null at a lexical error.</summary>
    public string? OffendingToken { get; }
}
