using PyStream.Engine.State;

namespace PyStream.Engine.Cep;

/// <summary>
/// How a CEP operator core holds its keys' state: in memory while in use (<see cref="KeyState"/>), written to the
/// keyed store at a snapshot or when too many keys are held, read back from it on first use after a restore.
/// </summary>
public abstract partial class CepOperatorCore<TEvent>
{
    /// <summary>2 since a strict chain's partial matches are kept apart (<see cref="StrictChain{TEvent}"/>); 1 is still read.</summary>
    private const byte FormatVersion = 2;

    /// <summary>Writes every changed key's state to the store; call from the operator's <c>SnapshotState</c>.</summary>
    public void Flush() => Flush(evict: false);

    private void Flush(bool evict)
    {
        OnFlushing();
        List<byte[]>? idle = null;
        foreach (var (key, state) in _keys)
        {
            if (state.IsEmpty && state.Due == long.MaxValue)
                (idle ??= []).Add(key);
            if (!state.Dirty)
                continue;
            state.Dirty = false;
            if (state.IsEmpty)
                _store.Remove(_stateId, key);
            else
                _store.Put(_stateId, key, Encode(state));
        }

        if (evict)
        {
            foreach (var state in _keys.Values)
                state.ReleaseAll(_serializer as ICepEventRetention<TEvent>);
            _keys.Clear();
        }
        foreach (var key in idle ?? [])
            _keys.Remove(key);
    }

    private KeyState Load(byte[] key)
    {
        if (_keys.TryGetValue(key, out var state))
            return state;
        state = _store.Get(_stateId, key) is { } bytes ? Decode(bytes) : new KeyState(_nfa.CreateInitialState(), _chunks);
        _keys[key] = state;
        return state;
    }

    /// <summary>The state of the key with these bytes, and the array that stands for the key while it is held.</summary>
    private KeyState Load(ReadOnlySpan<byte> bytes, out byte[] key)
    {
        if (_keys.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(bytes, out var held, out var state))
        {
            key = held;
            return state;
        }

        key = bytes.ToArray();
        return Load(key);
    }

    /// <summary>After a restore the timers are not registered yet: the first call registers each stored key's due time.</summary>
    private void IndexRestoredKeys()
    {
        if (_indexed)
            return;
        _indexed = true;
        foreach (var (key, bytes) in _store.Entries(_stateId).ToList())
        {
            if (_keys.ContainsKey(key))
                continue;
            var due = ReadDue(bytes);
            if (due != long.MaxValue)
                RegisterTimer(key, due);
        }
    }

    private static long ReadDue(byte[] bytes)
    {
        if (bytes.Length < 9 || bytes[0] is not (1 or FormatVersion))
            throw new PyStreamException($"CEP state: unknown format {(bytes.Length > 0 ? bytes[0] : -1)}");
        return BitConverter.ToInt64(bytes, 1);
    }

    private byte[] Encode(KeyState state)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(FormatVersion);
            writer.Write(state.Due);
            writer.Write(state.NextArrival);
            writer.Write7BitEncodedInt(state.Pending.Count);
            for (var i = 0; i < state.Pending.Count; i++)
            {
                var pending = state.Pending[i];
                writer.Write(pending.Timestamp);
                writer.Write(pending.Arrival);
                writer.Write(pending.Bits);
                _serializer.Write(writer, pending.Event);
            }

            state.Write(writer, _serializer);
        }

        return stream.ToArray();
    }

    private KeyState Decode(byte[] bytes)
    {
        var due = ReadDue(bytes);
        using var reader = new BinaryReader(new MemoryStream(bytes, 9, bytes.Length - 9));
        var nextArrival = reader.ReadInt64();
        var pending = new List<PendingEvent<TEvent>>();
        for (var n = reader.Read7BitEncodedInt(); n > 0; n--)
        {
            var timestamp = reader.ReadInt64();
            var arrival = reader.ReadInt64();
            var bits = reader.ReadUInt64();
            pending.Add(new PendingEvent<TEvent>(timestamp, arrival, _serializer.Read(reader), bits));
        }

        var nfa = NfaState<TEvent>.Read(reader, _serializer, withChain: bytes[0] >= 2);
        var state = new KeyState(nfa, _chunks) { Due = due, NextArrival = nextArrival, PendingSorted = false };
        foreach (var p in pending)
            state.Pending.Add(p);
        return state;
    }

    /// <summary>A key's state: its NFA state (the same object, one less to reach per event) and what the operator keeps beside it.</summary>
    private sealed class KeyState(NfaState<TEvent> nfa, PendingEvents<TEvent>.Chunks chunks) : NfaState<TEvent>(nfa)
    {
        /// <summary>Buffered events (event time; processing time when ties are ordered), in arrival order until sorted.</summary>
        public PendingEvents<TEvent> Pending { get; } = new(chunks);

        public bool PendingSorted { get; set; } = true;

        public long NextArrival { get; set; }

        /// <summary>When the key's registered timer fires; long.MaxValue without one.</summary>
        public long Due { get; set; } = long.MaxValue;

        /// <summary>Changed since the store last saw it.</summary>
        public bool Dirty { get; set; }

        /// <summary>The last batch whose conditions in reach were asked for with this key in it, and the states then in reach.</summary>
        public long Batch { get; set; }

        public ulong InReach { get; set; }

        /// <summary>The last key-by-key pass (<see cref="ProcessByKey"/>) with this key in its batch, and the key's last event in it.</summary>
        public long KeyPass { get; set; }

        public int LastOfPass { get; set; }

        /// <summary>
        /// Known to hold only the start state (<see cref="IsEmpty"/> when last scheduled), so that an event it cannot take
        /// skips the key's NFA state altogether; false until then.
        /// </summary>
        public bool Idle { get; set; }

        public bool IsEmpty => Pending.Count == 0 && IsIdle;
    }
}
