namespace PyStream.Engine.Windowing;

/// <summary>
/// What the window operator asks the Python side to do with window contents, in order.
/// Each action is five numbers: kind, reference (a record index for actions caused by
/// records, a key index for actions caused by timers), window start, window end, unused.
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

/// <summary>Actions collected for one call into Python.</summary>
public sealed class WindowActions
{
    private readonly List<long> _values = [];

    public int Count => _values.Count / 5;

    public void Add(WindowActionKind kind, int reference, Window window)
    {
        _values.Add((long)kind);
        _values.Add(reference);
        _values.Add(window.Start);
        _values.Add(window.End);
        _values.Add(0);
    }

    public long[] ToArray() => [.. _values];

    public void Clear() => _values.Clear();
}
