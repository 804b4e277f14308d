using System.Text;
using PyStream.Engine.Records;

namespace PyStream.Sql.Runtime;

/// <summary>
/// An updating table written as upsert-kafka does (Flink's UpsertKafka sink): +I and +U write
/// the row under its key, -D writes a tombstone (the key with no value), -U is dropped (the +U
/// that follows replaces the row). Records are framed for the engine's Kafka sink.
/// </summary>
public sealed class UpsertEncodeOperator(string name, KafkaKeyValueLayout layout, int inputCount = 1) : SqlOperator(name, inputCount)
{
    protected override void ProcessRows(int input, RowBatch rows)
    {
        var output = new MemoryStream();
        var written = 0;
        var row = new object?[rows.Columns.Length];
        for (var i = 0; i < rows.Count; i++)
        {
            var kind = rows.KindAt(i);
            if (kind == RowKind.UpdateBefore)
                continue;
            for (var c = 0; c < row.Length; c++)
                row[c] = rows.Columns[c].GetBoxed(i);
            var key = Encoding.UTF8.GetBytes(layout.Key.Encode(KafkaKeyValueLayout.Pick(row, layout.KeyColumns)));
            var value = kind == RowKind.Delete ? null : Encoding.UTF8.GetBytes(layout.Value.Encode(KafkaKeyValueLayout.Pick(row, layout.ValueColumns)));
            KafkaRecordFrames.Write(output, null, key, hasKey: true, value, value is not null);
            written++;
        }

        if (written > 0)
            Emit(0, new BytesBatch(output.ToArray(), written));
    }
}
