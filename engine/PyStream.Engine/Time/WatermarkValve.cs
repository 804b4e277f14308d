namespace PyStream.Engine.Time;

/// <summary>
/// Combines the watermarks and idleness of several inputs into one output, as Flink's
/// StatusWatermarkValve: the output watermark is the minimum over active inputs and only
/// moves forward; an idle input stops holding time back until it is active again; the output
/// is idle while every input is (or while there is none). An ended input holds nothing back
/// and counts as active with the end-of-time watermark. Used for a task's channels, an
/// operator's inputs and a source's splits alike.
/// </summary>
public sealed class WatermarkValve(Action<long> emitWatermark, Action<bool> emitIdle)
{
    private readonly List<long> _watermarks = [];
    private readonly List<bool> _idle = [];
    private long _output = long.MinValue;
    private bool _outputIdle;

    /// <summary>The highest watermark emitted.</summary>
    public long Output => _output;

    /// <summary>Whether the last status emitted was idle.</summary>
    public bool IsIdle => _outputIdle;

    public int InputCount => _watermarks.Count;

    /// <summary>Adds inputs, active and without a watermark; returns the index of the first one.</summary>
    public int AddInputs(int count = 1)
    {
        var first = _watermarks.Count;
        for (var i = 0; i < count; i++)
        {
            _watermarks.Add(long.MinValue);
            _idle.Add(false);
        }

        return first;
    }

    public void InputWatermark(int input, long watermark)
    {
        if (watermark <= _watermarks[input])
            return;
        _watermarks[input] = watermark;
        if (!_idle[input])
            Evaluate();
    }

    public void InputIdle(int input, bool idle)
    {
        if (_idle[input] == idle)
            return;
        _idle[input] = idle;
        Evaluate();
    }

    /// <summary>
    /// Sets an input without evaluating, for a caller that updates many inputs at once and
    /// then calls <see cref="Evaluate"/>.
    /// </summary>
    public void Set(int input, long watermark, bool idle)
    {
        _watermarks[input] = Math.Max(_watermarks[input], watermark);
        _idle[input] = idle;
    }

    /// <summary>The input ended: it no longer holds time back.</summary>
    public void EndInput(int input)
    {
        _watermarks[input] = long.MaxValue;
        _idle[input] = false;
        Evaluate();
    }

    /// <summary>Emits the idle status when it changed, then the combined watermark when it moved forward.</summary>
    public void Evaluate()
    {
        var combined = long.MaxValue;
        var anyActive = false;
        for (var i = 0; i < _watermarks.Count; i++)
        {
            if (_idle[i])
                continue;
            anyActive = true;
            combined = Math.Min(combined, _watermarks[i]);
        }

        if (anyActive == _outputIdle)
        {
            _outputIdle = !anyActive;
            emitIdle(_outputIdle);
        }

        if (anyActive && combined > _output)
        {
            _output = combined;
            emitWatermark(combined);
        }
    }
}
