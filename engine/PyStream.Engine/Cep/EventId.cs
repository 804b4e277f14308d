namespace PyStream.Engine.Cep;

/// <summary>An event in a key's shared buffer: its timestamp, then a per-key sequence number that breaks ties in arrival order.</summary>
public readonly record struct EventId(long Timestamp, long Sequence) : IComparable<EventId>
{
    public int CompareTo(EventId other)
    {
        var byTime = Timestamp.CompareTo(other.Timestamp);
        return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
    }
}
