using System.Text;

namespace PyStream.Gateway.Uploads;

/// <summary>The last <c>capacity</c> characters of a process's output, and how many came before them.</summary>
internal sealed class OutputTail(int capacity)
{
    private readonly StringBuilder _text = new();
    private long _dropped;

    public void Append(string text)
    {
        _text.Append(text);
        // Cut only once it is twice the capacity, so a chatty process costs amortised O(1) per character.
        if (_text.Length <= 2 * capacity)
            return;
        var cut = _text.Length - capacity;
        _text.Remove(0, cut);
        _dropped += cut;
    }

    public override string ToString()
    {
        var kept = _text.Length > capacity ? _text.ToString(_text.Length - capacity, capacity) : _text.ToString();
        var dropped = _dropped + (_text.Length - kept.Length);
        return dropped > 0 ? $"pystream: {dropped} earlier characters of the script's output are not kept\n{kept}" : kept;
    }
}
