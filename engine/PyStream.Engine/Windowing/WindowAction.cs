namespace PyStream.Engine.Windowing;

/// <summary>
/// What the window operator asks the Python side to do with window contents, in order.
/// Each action is five numbers: kind, reference (a record index for actions caused by
/// records, a key index for actions caused by timers), window start, window end, and the
/// operator's id for the key (stable for the operator's life; native contents key by it).
/// </summary>
public enum WindowActionKind
{
    /// <summary>Add record <c>reference</c> to the window.</summary>
    Add = 0,

    /// <summary>Emit the window's result.</summary>
    Fire = 1,

    /// <summary>Drop the window's contents.</summary>
    Purge = 2,

    /// <summary>Record <c>reference</c> is late for every window: send it to the late side output.</summary>
    Late = 3,

    /// <summary>The window is past its lateness: drop its contents and per-window state.</summary>
    Clear = 4,

    /// <summary>The window that the following <see cref="MergeFrom"/> windows merge into.</summary>
    MergeInto = 5,

    /// <summary>A window whose contents move into the last <see cref="MergeInto"/> window.</summary>
    MergeFrom = 6,
}

/// <summary>Actions collected for one call into the window contents (a reused buffer).</summary>
public sealed class WindowActions
{
    private long[] _values = new long[5 * 1024];
    private int _length;

    public int Count => _length / 5;

    public void Add(WindowActionKind kind, int reference, Window window, int keyId)
    {
        if (_length + 5 > _values.Length)
            Array.Resize(ref _values, _values.Length * 2);
        var values = _values.AsSpan(_length, 5);
        values[0] = (long)kind;
        values[1] = reference;
        values[2] = window.Start;
        values[3] = window.End;
        values[4] = keyId;
        _length += 5;
    }

    /// <summary>The actions so far (valid until the next Add or Clear).</summary>
    public ReadOnlyMemory<long> Values => _values.AsMemory(0, _length);

    public void Clear() => _length = 0;
}
