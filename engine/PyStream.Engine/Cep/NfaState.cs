using System.Runtime.InteropServices;

namespace PyStream.Engine.Cep;

/// <summary>
/// The pattern state of one key: the partial matches (in Flink's order: by first event),
/// the completed matches that wait for earlier partial matches under a skip strategy, and the
/// shared buffer their events live in.
/// </summary>
public class NfaState<TEvent>
{
    internal NfaState(List<ComputationState> partial, List<ComputationState> completed, SharedBuffer<TEvent> buffer)
    {
        Partial = partial;
        Completed = completed;
        Buffer = buffer;
    }

    /// <summary>The same state in a subclass's object (an operator's per-key state that is also the key's NFA state: one object less to reach per event).</summary>
    private protected NfaState(NfaState<TEvent> state)
        : this(state.Partial, state.Completed, state.Buffer)
    {
        (ChainLive, _chainEvents, _chainTimes, _chainNext) = (state.ChainLive, state._chainEvents, state._chainTimes, state._chainNext);
    }

    internal List<ComputationState> Partial { get; set; }

    internal List<ComputationState> Completed { get; }

    public SharedBuffer<TEvent> Buffer { get; }

    /// <summary>Under a <see cref="StrictChain{TEvent}"/>: its partial matches, bit i for the one that took the key's last i + 1 events.</summary>
    internal ulong ChainLive { get; set; }

    /// <summary>Under a strict chain: the key's last events, a ring of the chain's length less one (those the partial matches reach are live).</summary>
    private TEvent[]? _chainEvents;

    /// <summary>Under a strict chain with a window: the timestamps of <see cref="_chainEvents"/>, slot for slot.</summary>
    private long[]? _chainTimes;

    private int _chainNext;

    /// <summary>The event <paramref name="back"/> events before the key's current one (1 is the last).</summary>
    internal TEvent ChainEvent(int back) => _chainEvents![ChainSlot(back)];

    /// <summary>The timestamp of <see cref="ChainEvent"/> (a chain with a window keeps them).</summary>
    internal long ChainTime(int back) => _chainTimes![ChainSlot(back)];

    /// <summary>As <see cref="ChainEvent"/>, and drops the ring's reference to it.</summary>
    internal TEvent ForgetChainEvent(int back)
    {
        ref var slot = ref _chainEvents![ChainSlot(back)];
        var value = slot;
        slot = default!;
        return value;
    }

    /// <summary>Where the ring holds the event <paramref name="back"/> events before the key's current one.</summary>
    private int ChainSlot(int back) => (_chainNext - back + _chainEvents!.Length) % _chainEvents.Length;

    /// <summary>The events a strict chain's partial matches reach, oldest first.</summary>
    private IEnumerable<TEvent> ReachedChainEvents
    {
        get
        {
            for (var back = StrictChain<TEvent>.Reach(ChainLive); back > 0; back--)
                yield return ChainEvent(back);
        }
    }

    /// <summary>The key's current event joins the ring (made of <paramref name="size"/> on first use), with its timestamp when <paramref name="timed"/>.</summary>
    internal void PushChainEvent(TEvent value, long timestamp, int size, bool timed)
    {
        _chainEvents ??= new TEvent[size];
        _chainEvents[_chainNext] = value;
        if (timed)
            (_chainTimes ??= new long[size])[_chainNext] = timestamp;
        _chainNext = (_chainNext + 1) % size;
    }

    /// <summary>Every event the key's state keeps: the shared buffer's, and a strict chain's that its partial matches reach.</summary>
    internal IEnumerable<TEvent> Events => Buffer.Events.Concat(ReachedChainEvents);

    /// <summary>Partial matches under way (not counting the start state).</summary>
    public int PartialMatchCount
    {
        get
        {
            var count = 0;
            foreach (ref readonly var match in CollectionsMarshal.AsSpan(Partial))
            {
                if (match.StartEvent is not null)
                    count++;
            }

            return count + System.Numerics.BitOperations.PopCount(ChainLive);
        }
    }

    /// <summary>Whether nothing but the start state is left (the key's state can be dropped).</summary>
    public bool IsIdle => ChainLive == 0 && Completed.Count == 0 && Buffer.IsEmpty && PartialMatchCount == 0;

    /// <summary>The earliest time at which a partial match times out; long.MaxValue when none can.</summary>
    internal long NextTimeout(CompiledPattern pattern)
    {
        var next = long.MaxValue;
        foreach (ref readonly var match in CollectionsMarshal.AsSpan(Partial))
        {
            if (match.StartEvent is null)
                continue;
            if (pattern.WindowMillis > 0)
                next = Math.Min(next, match.StartTimestamp + pattern.WindowMillis);
            if (pattern.States[match.State].PreviousWindow is > 0 and var window)
                next = Math.Min(next, match.PreviousTimestamp + window);
        }

        // A strict chain's oldest partial match is the first to time out.
        if (ChainLive != 0 && _chainTimes is not null && pattern.WindowMillis > 0)
            next = Math.Min(next, ChainTime(StrictChain<TEvent>.Reach(ChainLive)) + pattern.WindowMillis);
        return next;
    }

    /// <summary>Lets every event go to <paramref name="retention"/> (the key's state leaves memory after it was written to the store).</summary>
    internal void ReleaseAll(ICepEventRetention<TEvent>? retention)
    {
        Buffer.ReleaseAll();
        if (retention is null)
            return;
        foreach (var value in ReachedChainEvents)
            retention.Release(value);
    }

    internal void Write(BinaryWriter writer, ICepEventSerializer<TEvent> serializer)
    {
        writer.Write7BitEncodedInt(Partial.Count);
        foreach (var match in Partial)
            match.Write(writer);
        writer.Write7BitEncodedInt(Completed.Count);
        foreach (var match in Completed)
            match.Write(writer);
        Buffer.Write(writer, serializer);
        // A strict chain's partial matches and the events they reach, oldest first (with their timestamps under a window),
        // with the ring's size.
        writer.Write(ChainLive);
        if (ChainLive == 0)
            return;
        writer.Write7BitEncodedInt(_chainEvents!.Length);
        writer.Write(_chainTimes is not null);
        for (var back = StrictChain<TEvent>.Reach(ChainLive); back > 0; back--)
        {
            serializer.Write(writer, ChainEvent(back));
            if (_chainTimes is not null)
                writer.Write(ChainTime(back));
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote; <paramref name="withChain"/> false for a state written before strict chains were kept apart.</summary>
    internal static NfaState<TEvent> Read(BinaryReader reader, ICepEventSerializer<TEvent> serializer, bool withChain)
    {
        var partial = new List<ComputationState>();
        for (var n = reader.Read7BitEncodedInt(); n > 0; n--)
            partial.Add(ComputationState.Read(reader));
        var completed = new List<ComputationState>();
        for (var n = reader.Read7BitEncodedInt(); n > 0; n--)
            completed.Add(ComputationState.Read(reader));
        var state = new NfaState<TEvent>(partial, completed, SharedBuffer<TEvent>.Read(reader, serializer));
        if (!withChain || (state.ChainLive = reader.ReadUInt64()) == 0)
            return state;
        var size = reader.Read7BitEncodedInt();
        var reach = StrictChain<TEvent>.Reach(state.ChainLive);
        if (reach > size)
            throw new PyStreamException($"CEP state: partial matches reach {reach} events in a ring of {size}");
        var timed = reader.ReadBoolean();
        for (var n = reach; n > 0; n--)
        {
            var value = serializer.Read(reader);
            state.PushChainEvent(value, timed ? reader.ReadInt64() : 0, size, timed);
        }

        return state;
    }
}
