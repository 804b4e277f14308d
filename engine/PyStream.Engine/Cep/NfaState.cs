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
    }

    internal List<ComputationState> Partial { get; set; }

    internal List<ComputationState> Completed { get; }

    public SharedBuffer<TEvent> Buffer { get; }

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

            return count;
        }
    }

    /// <summary>Whether nothing but the start state is left (the key's state can be dropped).</summary>
    public bool IsIdle => Completed.Count == 0 && Buffer.IsEmpty && PartialMatchCount == 0;

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

        return next;
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
    }

    internal static NfaState<TEvent> Read(BinaryReader reader, ICepEventSerializer<TEvent> serializer)
    {
        var partial = new List<ComputationState>();
        for (var n = reader.Read7BitEncodedInt(); n > 0; n--)
            partial.Add(ComputationState.Read(reader));
        var completed = new List<ComputationState>();
        for (var n = reader.Read7BitEncodedInt(); n > 0; n--)
            completed.Add(ComputationState.Read(reader));
        return new NfaState<TEvent>(partial, completed, SharedBuffer<TEvent>.Read(reader, serializer));
    }
}
