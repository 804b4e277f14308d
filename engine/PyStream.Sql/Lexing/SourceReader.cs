namespace PyStream.Sql.Lexing;

/// <summary>Walks the SQL text one character at a time, tracking the 1-based line and column.</summary>
internal sealed class SourceReader(string text)
{
    private int _offset;
    private int _line = 1;
    private int _column = 1;

    public bool AtEnd => _offset >= text.Length;

    public SourcePosition Position => new(_line, _column);

    public char Peek(int ahead = 0) => _offset + ahead < text.Length ? text[_offset + ahead] : '\0';

    public bool StartsWith(string prefix) => string.CompareOrdinal(text, _offset, prefix, 0, prefix.Length) == 0;

    public char Advance()
    {
        var ch = text[_offset++];
        if (ch == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }
        return ch;
    }

    public void Advance(int count)
    {
        for (var i = 0; i < count; i++)
            Advance();
    }

    public string TakeWhile(Func<char, bool> predicate)
    {
        var start = _offset;
        while (!AtEnd && predicate(text[_offset]))
            Advance();
        return text[start.._offset];
    }
}
