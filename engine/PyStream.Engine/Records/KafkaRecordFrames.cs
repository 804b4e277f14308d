using System.Buffers.Binary;

namespace PyStream.Engine.Records;

/// <summary>
/// Kafka records framed in a <see cref="BytesBatch"/>: per record, topic, key and value, each a
/// little-endian int32 length (-1: none) followed by its bytes. The Kafka sink reads what
/// serializers (Python's, SQL's encoders) framed; the Kafka source frames what it reads when keys
/// and tombstones (an absent value) must reach the reader.
/// </summary>
public static class KafkaRecordFrames
{
    public delegate void RecordHandler(int index, string? topic, byte[]? key, byte[]? value);

    public static void Read(byte[] data, int count, RecordHandler handle)
    {
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            var topic = Field(data, ref position);
            var key = Field(data, ref position);
            var value = Field(data, ref position);
            handle(i, topic is null ? null : System.Text.Encoding.UTF8.GetString(topic), key, value);
        }

        if (position != data.Length)
            throw new PyStreamException($"Kafka records: {data.Length - position} bytes left after {count} framed records");
    }

    /// <summary>Appends one record: its topic (null: the sink's own), key and value (null: none, a tombstone).</summary>
    public static void Write(Stream output, byte[]? topic, ReadOnlySpan<byte> key, bool hasKey, ReadOnlySpan<byte> value, bool hasValue)
    {
        WriteField(output, topic, topic is not null);
        WriteField(output, key, hasKey);
        WriteField(output, value, hasValue);
    }

    private static void WriteField(Stream output, ReadOnlySpan<byte> bytes, bool present)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, present ? bytes.Length : -1);
        output.Write(length);
        if (present)
            output.Write(bytes);
    }

    private static byte[]? Field(byte[] data, ref int position)
    {
        if (position + 4 > data.Length)
            throw new PyStreamException("Kafka records: a framed record is cut short");
        var length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(position));
        position += 4;
        if (length < 0)
            return null;
        if (position + length > data.Length)
            throw new PyStreamException("Kafka records: a framed record is cut short");
        var field = data.AsSpan(position, length).ToArray();
        position += length;
        return field;
    }
}
