using PyStream.Engine.Checkpointing;

namespace PyStream.Engine.Runtime;

/// <summary>
/// Decides when a task with several input channels snapshots. Exactly-once: a channel that
/// delivered the barrier is held back (its later events wait here) until every open channel
/// delivered it, so the snapshot sees no record from after the barrier. At-least-once: nothing
/// is held; a checkpoint's snapshot happens when its last barrier arrives, and several
/// checkpoints may be under way at once.
/// </summary>
internal sealed class BarrierAligner
{
    private readonly bool _exactlyOnce;
    private readonly bool[] _ended;
    private readonly Queue<Runtime.InputEvent>[] _held;
    private readonly Queue<Runtime.InputEvent> _released = new();

    // Checkpoints under way, oldest first, with the channels their barrier came on (exactly-once: at most one).
    private readonly SortedDictionary<long, (CheckpointBarrier Barrier, bool[] Arrived, long FirstArrival)> _open = [];
    private readonly TimeProvider _time;
    private long _lastAligned = long.MinValue;

    public BarrierAligner(int channels, bool exactlyOnce, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _exactlyOnce = exactlyOnce;
        _ended = new bool[channels];
        _held = Enumerable.Range(0, channels).Select(_ => new Queue<Runtime.InputEvent>()).ToArray();
    }

    /// <summary>From the first to the last barrier of the checkpoint aligned last (Flink's alignment duration).</summary>
    public TimeSpan LastAlignment { get; private set; }

    /// <summary>Events held back during the last alignment, in order, before new ones from the gate.</summary>
    public bool TryTakeReleased(out Runtime.InputEvent next) => _released.TryDequeue(out next);

    /// <summary>Keeps an event of a channel that already delivered the barrier being aligned.</summary>
    public bool Holds(Runtime.InputEvent next)
    {
        if (!_exactlyOnce || _open.Count == 0 || !_open.First().Value.Arrived[next.Channel])
            return false;
        _held[next.Channel].Enqueue(next);
        return true;
    }

    /// <summary>The barrier to snapshot for, once it has arrived on every open channel.</summary>
    public CheckpointBarrier? OnBarrier(int channel, CheckpointBarrier barrier)
    {
        if (barrier.Id <= _lastAligned || (_exactlyOnce && _open.Count > 0 && barrier.Id < _open.First().Key))
            return null; // a checkpoint given up in favour of a newer one
        if (!_open.TryGetValue(barrier.Id, out var entry))
        {
            if (_exactlyOnce)
                Release(); // a newer checkpoint overtook the one being aligned: that one is given up
            entry = (barrier, new bool[_ended.Length], _time.GetTimestamp());
            _open[barrier.Id] = entry;
        }

        entry.Arrived[channel] = true;
        return Aligned(barrier.Id) ? barrier : null;
    }

    /// <summary>An ended channel counts as having delivered every barrier: checkpoints it completes.</summary>
    public IReadOnlyList<CheckpointBarrier> OnEndOfPartition(int channel)
    {
        _ended[channel] = true;
        var completed = new List<CheckpointBarrier>();
        foreach (var (id, entry) in _open.ToList())
        {
            if (_open.ContainsKey(id) && Aligned(id))
                completed.Add(entry.Barrier);
        }

        return completed;
    }

    private bool Aligned(long id)
    {
        var (_, arrived, firstArrival) = _open[id];
        for (var c = 0; c < arrived.Length; c++)
        {
            if (!arrived[c] && !_ended[c])
                return false;
        }

        LastAlignment = _time.GetElapsedTime(firstArrival);
        if (_exactlyOnce)
        {
            _lastAligned = id;
            Release();
        }
        else
        {
            _open.Remove(id);
        }

        return true;
    }

    private void Release()
    {
        _open.Clear();
        foreach (var queue in _held)
        {
            while (queue.TryDequeue(out var held))
                _released.Enqueue(held);
        }
    }
}
