namespace PyStream.Engine.Checkpointing;

/// <summary>
/// Decides when a task with several input channels snapshots. Exactly-once: a channel that
/// delivered the barrier is held back (its later events wait here) until every open channel
/// delivered it, so the snapshot sees no record from after the barrier. At-least-once: nothing
/// is held; the snapshot happens when the last barrier arrives.
/// </summary>
internal sealed class BarrierAligner
{
    private readonly bool _exactlyOnce;
    private readonly bool[] _ended;
    private readonly bool[] _arrived;
    private readonly Queue<Runtime.InputEvent>[] _held;
    private readonly Queue<Runtime.InputEvent> _released = new();
    private CheckpointBarrier? _current;

    public BarrierAligner(int channels, bool exactlyOnce)
    {
        _exactlyOnce = exactlyOnce;
        _ended = new bool[channels];
        _arrived = new bool[channels];
        _held = Enumerable.Range(0, channels).Select(_ => new Queue<Runtime.InputEvent>()).ToArray();
    }

    /// <summary>Events held back during the last alignment, in order, before new ones from the gate.</summary>
    public bool TryTakeReleased(out Runtime.InputEvent next) => _released.TryDequeue(out next);

    /// <summary>Keeps an event of a channel that already delivered the barrier being aligned.</summary>
    public bool Holds(Runtime.InputEvent next)
    {
        if (!_exactlyOnce || _current is null || !_arrived[next.Channel])
            return false;
        _held[next.Channel].Enqueue(next);
        return true;
    }

    /// <summary>The barrier to snapshot for, once it has arrived on every open channel.</summary>
    public CheckpointBarrier? OnBarrier(int channel, CheckpointBarrier barrier)
    {
        if (_current is not null && barrier.Id < _current.Id)
            return null; // a checkpoint given up in favour of a newer one
        if (_current is null || barrier.Id > _current.Id)
        {
            Release();
            _current = barrier;
        }

        _arrived[channel] = true;
        return TryComplete();
    }

    public CheckpointBarrier? OnEndOfPartition(int channel)
    {
        _ended[channel] = true;
        return _current is null ? null : TryComplete();
    }

    private CheckpointBarrier? TryComplete()
    {
        for (var c = 0; c < _arrived.Length; c++)
        {
            if (!_arrived[c] && !_ended[c])
                return null;
        }

        var aligned = _current;
        Release();
        return aligned;
    }

    private void Release()
    {
        _current = null;
        Array.Clear(_arrived);
        foreach (var queue in _held)
        {
            while (queue.TryDequeue(out var held))
                _released.Enqueue(held);
        }
    }
}
