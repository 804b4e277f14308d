using System.Text;
using PyStream.Engine.Records;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Framed Kafka records of an upsert-kafka table decoded into rows, as Flink's upsert
/// deserialization: a record with a value is the key's new row (+U), a tombstone (no value)
/// deletes the key (-D, a row with only the key's columns set). <see cref="ChangelogNormalizeOperator"/>
/// turns these into a proper changelog.
/// </summary>
public sealed class UpsertDecodeOperator(string name, KafkaKeyValueLayout layout, IReadOnlyList<SqlType> types) : SqlOperator(name, inputCount: 1)
{
    private readonly RowBuilder _rows = new(types);

    public override void ProcessBatch(int input, Batch batch)
    {
        if (batch is not BytesBatch framed)
            throw new SqlRuntimeException($"'{Name}' expects framed Kafka records, got a {batch.GetType().Name}");
        CurrentSplit = batch.Split;
        KafkaRecordFrames.Read(framed.Data, framed.Count, (_, _, key, value) =>
        {
            if (key is null)
                throw new SqlRuntimeException($"'{Name}': a record without a key; an upsert-kafka table's records are keyed by its primary key");
            var row = new object?[layout.Width];
            if (value is not null)
                Place(row, layout.ValueColumns, layout.Value.Decode(Encoding.UTF8.GetString(value)));
            Place(row, layout.KeyColumns, layout.Key.Decode(Encoding.UTF8.GetString(key)));
            _rows.Add(value is null ? RowKind.Delete : RowKind.UpdateAfter, row);
        });
        EmitRows(_rows.Take());
        CurrentSplit = -1;
    }

    private static void Place(object?[] row, IReadOnlyList<int> columns, object?[] values)
    {
        for (var i = 0; i < columns.Count; i++)
            row[columns[i]] = values[i];
    }

    protected override void ProcessRows(int input, RowBatch rows) => throw new NotSupportedException();
}
