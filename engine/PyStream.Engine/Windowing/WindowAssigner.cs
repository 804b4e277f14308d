namespace PyStream.Engine.Windowing;

/// <summary>Which windows a record belongs to, as Flink's assigners decide.</summary>
public abstract class WindowAssigner
{
    public abstract bool IsEventTime { get; }

    public virtual bool IsMerging => false;

    public abstract IReadOnlyList<Window> Assign(long timestamp);

    /// <summary>The record's only window, for assigners that give exactly one (no list allocated on the hot path).</summary>
    public virtual bool TryAssignSingle(long timestamp, out Window window)
    {
        window = default;
        return false;
    }

    public abstract WindowTrigger DefaultTrigger();

    /// <summary>Flink's <c>TimeWindow.getWindowStartWithOffset</c> (Java remainder semantics).</summary>
    public static long StartWithOffset(long timestamp, long offset, long size) =>
        timestamp - ((timestamp - offset + size) % size);

    protected WindowTrigger TimeTrigger(bool eventTime) =>
        eventTime ? new EventTimeTrigger() : new ProcessingTimeTrigger();
}

public sealed class TumblingWindows : WindowAssigner
{
    private readonly long _size;
    private readonly long _offset;
    private readonly bool _eventTime;
    private Window _last = new(long.MaxValue, long.MinValue);

    public TumblingWindows(long size, long offset, bool eventTime)
    {
        if (size <= 0 || Math.Abs(offset) >= size)
            throw new PyStreamException($"TumblingWindows need 0 <= |offset| < size; got size {size}, offset {offset}");
        (_size, _offset, _eventTime) = (size, offset, eventTime);
    }

    public override bool IsEventTime => _eventTime;

    public override IReadOnlyList<Window> Assign(long timestamp)
    {
        TryAssignSingle(timestamp, out var window);
        return [window];
    }

    public override bool TryAssignSingle(long timestamp, out Window window)
    {
        // Consecutive records mostly share a window: skip the division then.
        if (timestamp >= _last.Start && timestamp < _last.End)
        {
            window = _last;
            return true;
        }

        var start = StartWithOffset(timestamp, _offset, _size);
        window = _last = new Window(start, start + _size);
        return true;
    }

    public override WindowTrigger DefaultTrigger() => TimeTrigger(_eventTime);
}

public sealed class SlidingWindows : WindowAssigner
{
    private readonly long _size;
    private readonly long _slide;
    private readonly long _offset;
    private readonly bool _eventTime;

    public SlidingWindows(long size, long slide, long offset, bool eventTime)
    {
        if (size <= 0 || slide <= 0 || Math.Abs(offset) >= slide)
            throw new PyStreamException($"SlidingWindows need size > 0, slide > 0 and |offset| < slide; got {size}, {slide}, {offset}");
        (_size, _slide, _offset, _eventTime) = (size, slide, offset, eventTime);
    }

    public override bool IsEventTime => _eventTime;

    /// <summary>Every window of length size, starting at multiples of slide, that holds the timestamp; latest first, as Flink lists them.</summary>
    public override IReadOnlyList<Window> Assign(long timestamp)
    {
        var windows = new List<Window>((int)(_size / _slide) + 1);
        var lastStart = StartWithOffset(timestamp, _offset, _slide);
        for (var start = lastStart; start > timestamp - _size; start -= _slide)
            windows.Add(new Window(start, start + _size));
        return windows;
    }

    public override WindowTrigger DefaultTrigger() => TimeTrigger(_eventTime);
}

public sealed class SessionWindows : WindowAssigner
{
    private readonly long _gap;
    private readonly bool _eventTime;

    public SessionWindows(long gap, bool eventTime)
    {
        if (gap <= 0)
            throw new PyStreamException($"session windows need a gap > 0, got {gap}");
        (_gap, _eventTime) = (gap, eventTime);
    }

    public override bool IsEventTime => _eventTime;

    public override bool IsMerging => true;

    public override IReadOnlyList<Window> Assign(long timestamp) => [new Window(timestamp, timestamp + _gap)];

    public override WindowTrigger DefaultTrigger() => TimeTrigger(_eventTime);
}

public sealed class GlobalWindows : WindowAssigner
{
    public override bool IsEventTime => false;

    public override IReadOnlyList<Window> Assign(long timestamp) => [Window.Global];

    public override WindowTrigger DefaultTrigger() => new NeverTrigger();
}
