using System.Buffers.Binary;
using PyStream.Engine;

namespace PyStream.Connectors.Kafka;

/// <summary>
/// Reads the records a Python serializer framed for the Kafka sink: per record, topic, key and
/// value, each a little-endian int32 length (-1: none) followed by its bytes.
/// </summary>
internal static class KafkaRecordFrames
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
            throw new PyStreamException($"Kafka sink: {data.Length - position} bytes left after {count} framed records");
    }

    private static byte[]? Field(byte[] data, ref int position)
    {
        if (position + 4 > data.Length)
            throw new PyStreamException("Kafka sink: a framed record is cut short");
        var length = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(position));
        position += 4;
        if (length < 0)
            return null;
        if (position + length > data.Length)
            throw new PyStreamException("Kafka sink: a framed record is cut short");
        var field = data.AsSpan(position, length).ToArray();
        position += length;
        return field;
    }
}
