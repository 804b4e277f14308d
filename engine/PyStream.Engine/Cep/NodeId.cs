namespace PyStream.Engine.Cep;

/// <summary>A shared-buffer node: an event taken by one stage (numbered as <see cref="CompiledPattern.StageNames"/>).</summary>
public readonly record struct NodeId(EventId Event, int Stage)
{
    internal void Write(BinaryWriter writer)
    {
        writer.Write(Event.Timestamp);
        writer.Write(Event.Sequence);
        writer.Write7BitEncodedInt(Stage);
    }

    internal static NodeId Read(BinaryReader reader) => new(new EventId(reader.ReadInt64(), reader.ReadInt64()), reader.Read7BitEncodedInt());
}
