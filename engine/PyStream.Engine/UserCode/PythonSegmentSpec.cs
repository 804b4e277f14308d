namespace PyStream.Engine.UserCode;

/// <summary>Which Python operations a segment fuses and how its entries and exits connect.</summary>
public sealed record PythonSegmentSpec(IReadOnlyList<SegmentOperation> Operations, int EntryCount, IReadOnlyList<SegmentExit> Exits);

/// <summary>An operation (a transformation id of the job) and where each of its inputs comes from.</summary>
public sealed record SegmentOperation(int TransformationId, IReadOnlyList<SegmentInput> Inputs);

/// <summary>Records from <see cref="From"/> go to the operation's logical input <see cref="Slot"/> (a union gives several per slot).</summary>
public readonly record struct SegmentInput(PortRef From, int Slot);

/// <summary>An entry of the segment (<see cref="Operation"/> = -1, <see cref="Port"/> = entry index) or an operation's output port.</summary>
public readonly record struct PortRef(int Operation, int Port)
{
    public static PortRef Entry(int index) => new(-1, index);

    public bool IsEntry => Operation < 0;
}

/// <summary>
/// Records leaving the segment for a C# consumer. <see cref="ConsumerId"/> and
/// <see cref="Function"/> name the sink (type info, encoder) and the edge function (key selector,
/// partitioner) that the exit applies.
/// </summary>
public sealed record SegmentExit(PortRef From, ExitFormat Format, ExitKeying Keying, int ConsumerId, ReadOnlyMemory<byte> Function);

public enum ExitFormat
{
    /// <summary>Python records, for a Python consumer in another task.</summary>
    Records,

    /// <summary>Lines as the print sink prints them (a <c>TextBatch</c>).</summary>
    Printed,

    /// <summary>Bytes as the file sink's encoder writes them (a <c>BytesBatch</c>).</summary>
    Encoded,

    /// <summary>A pickled list of records for a collect sink (a <c>BytesBatch</c>).</summary>
    Pickled,

    /// <summary>Records framed as topic, key and value bytes by the sink's serializer (a <c>BytesBatch</c>).</summary>
    Serialized,
}

public enum ExitKeying
{
    None,

    /// <summary>Attach canonical key bytes from the edge's key selector (hash partitioning).</summary>
    KeySelector,

    /// <summary>Attach partition indexes from the edge's custom partitioner.</summary>
    Partitioner,
}
