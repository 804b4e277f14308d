namespace PyStream.Engine.Windowing;

/// <summary>
/// What the window operator asks the Python side to do with window contents, in order.
/// Each action is six numbers: kind, reference (a record index for actions caused by
/// records, a key index for actions caused by timers), window start, window end, the
/// operator's id for the key (stable for the operator's life; native contents key by it),
/// and a time (the record's timestamp or the timer's time, for a Python trigger).
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

    /// <summary>Ask the Python trigger about record <c>reference</c> (just added) and act on its answer.</summary>
    TriggerElement = 7,

    /// <summary>Ask the Python trigger about an event-time timer at <c>time</c>.</summary>
    TriggerEventTime = 8,

    /// <summary>Ask the Python trigger about a processing-time timer at <c>time</c>.</summary>
    TriggerProcessingTime = 9,

    /// <summary>
    /// A built-in evictor drops a run of the window's elements: <c>time</c> holds the run's
    /// first index (high 32 bits) and length (low 32 bits) in the window's current contents.
    /// </summary>
    Evict = 10,
}

/// <summary>Actions collected for one call into the window contents (a reused buffer).</summary>
public sealed class WindowActions
{
    public const int Width = 6;

    private long[] _values = new long[Width * 1024];
    private int _length;

    public int Count => _length / Width;

    public void Add(WindowActionKind kind, int reference, Window window, int keyId, long time = 0)
    {
        if (_length + Width > _values.Length)
            Array.Resize(ref _values, _values.Length * 2);
        var values = _values.AsSpan(_length, Width);
        values[0] = (long)kind;
        values[1] = reference;
        values[2] = window.Start;
        values[3] = window.End;
        values[4] = keyId;
        values[5] = time;
        _length += Width;
    }

    /// <summary>The actions so far (valid until the next Add or Clear).</summary>
    public ReadOnlyMemory<long> Values => _values.AsMemory(0, _length);

    public void Clear() => _length = 0;
}
