namespace PyStream.Engine.Cep;

/// <summary>
/// A partial match (Flink's <c>ComputationState</c>): the NFA state it waits in, the
/// shared-buffer node of its last event, its version, and the timestamps its windows are
/// measured from. The start state has no event. A value: a key's partial matches live in its
/// list, so a step allocates nothing for them (what a step learns about iterative conditions
/// is the NFA's scratch, by position in the list).
/// </summary>
internal readonly struct ComputationState(int state, NodeId? previous, DeweyNumber version, long startTimestamp, long previousTimestamp, EventId? startEvent)
{
    public int State { get; } = state;

    public NodeId? Previous { get; } = previous;

    public DeweyNumber Version { get; } = version;

    /// <summary>The first event's timestamp (-1 for the start state).</summary>
    public long StartTimestamp { get; } = startTimestamp;

    /// <summary>The last taken event's timestamp (-1 for the start state).</summary>
    public long PreviousTimestamp { get; } = previousTimestamp;

    public EventId? StartEvent { get; } = startEvent;

    public static ComputationState StartState(int state, DeweyNumber version) => new(state, null, version, -1, -1, null);

    /// <summary>Flink's order of partial matches: by the first event (timestamp, then arrival); the start state last.</summary>
    public static int Compare(in ComputationState a, in ComputationState b)
    {
        var x = a.StartEvent ?? new EventId(long.MaxValue, long.MaxValue);
        var y = b.StartEvent ?? new EventId(long.MaxValue, long.MaxValue);
        return x.CompareTo(y);
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write7BitEncodedInt(State);
        writer.Write(Previous is not null);
        if (Previous is { } previous)
            previous.Write(writer);
        Version.Write(writer);
        writer.Write(StartTimestamp);
        writer.Write(PreviousTimestamp);
        writer.Write(StartEvent is not null);
        if (StartEvent is { } start)
        {
            writer.Write(start.Timestamp);
            writer.Write(start.Sequence);
        }
    }

    internal static ComputationState Read(BinaryReader reader)
    {
        var state = reader.Read7BitEncodedInt();
        NodeId? previous = reader.ReadBoolean() ? NodeId.Read(reader) : null;
        var version = DeweyNumber.Read(reader);
        var startTimestamp = reader.ReadInt64();
        var previousTimestamp = reader.ReadInt64();
        EventId? start = reader.ReadBoolean() ? new EventId(reader.ReadInt64(), reader.ReadInt64()) : null;
        return new ComputationState(state, previous, version, startTimestamp, previousTimestamp, start);
    }
}
