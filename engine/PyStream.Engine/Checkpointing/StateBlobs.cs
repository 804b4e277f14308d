namespace PyStream.Engine.Checkpointing;

/// <summary>Operator state blobs: written and read with a <see cref="BinaryWriter"/> / <see cref="BinaryReader"/>.</summary>
public static class StateBlobs
{
    /// <summary>An operator's state as bytes, written by <paramref name="write"/>.</summary>
    public static byte[] Serialize(Action<BinaryWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            write(writer);
        return buffer.ToArray();
    }

    public static T Deserialize<T>(byte[] data, Func<BinaryReader, T> read)
    {
        using var reader = Reader(data);
        return read(reader);
    }

    /// <summary>Reads a blob <see cref="Serialize"/> wrote.</summary>
    public static BinaryReader Reader(byte[] data) => new(new MemoryStream(data, writable: false));
}
