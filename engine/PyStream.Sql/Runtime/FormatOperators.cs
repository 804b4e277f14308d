using System.Text;
using PyStream.Engine.Records;
using PyStream.Sql.Formats;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>Where a scanned column comes from: the format's fields, a metadata key of the connector's record, or the file's partition directory.</summary>
public sealed record ScanColumn(SqlType Type, int FormatField, string? Metadata, int PartitionField = -1);

/// <summary>The partition columns of a filesystem table, and the directory name that stands for NULL.</summary>
public sealed record PartitionColumns(IReadOnlyList<SqlField> Fields, string DefaultName);

/// <summary>
/// Text records of an engine source (file lines, Kafka values) decoded into rows by the table's
/// format; the Kafka record timestamp fills a 'timestamp' metadata column, a partitioned
/// table's directory names (the batch's bucket) fill its partition columns.
/// </summary>
public sealed class FormatDecodeOperator(string name, RowFormat format, IReadOnlyList<ScanColumn> columns, PartitionColumns? partitions = null) : SqlOperator(name, inputCount: 1)
{
    private readonly RowBuilder _rows = new(columns.Select(c => c.Type).ToArray());

    public override void ProcessBatch(int input, Batch batch)
    {
        if (batch is not TextBatch text)
            throw new SqlRuntimeException($"'{Name}' expects text records, got a {batch.GetType().Name}");
        CurrentSplit = batch.Split;
        var lines = text.Lines;
        var partitionValues = partitions is null ? null : PartitionPath.Parse(text.Bucket ?? "", partitions.Fields, partitions.DefaultName);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
                continue;
            var decoded = format.Decode(lines[i]);
            var row = new object?[columns.Count];
            for (var c = 0; c < row.Length; c++)
            {
                row[c] = columns[c].Metadata switch
                {
                    null when columns[c].PartitionField >= 0 => partitionValues![columns[c].PartitionField],
                    null => decoded[columns[c].FormatField],
                    "timestamp" => batch.Timestamps is { } stamps && stamps[i] != long.MinValue ? stamps[i] * 1000 : null,
                    var key => throw new SqlRuntimeException($"metadata '{key}' is not available"),
                };
            }

            _rows.Add(RowKind.Insert, row);
        }

        EmitRows(_rows.Take());
        CurrentSplit = -1;
    }

    protected override void ProcessRows(int input, RowBatch rows) => throw new NotSupportedException();
}

/// <summary>Rows encoded by a sink table's format: file lines, or framed Kafka records (topic, key, value).</summary>
public sealed class FormatEncodeOperator(string name, RowFormat value, RowFormat? key, IReadOnlyList<int> keyColumns, bool kafka, int inputCount = 1) : SqlOperator(name, inputCount)
{
    protected override void ProcessRows(int input, RowBatch rows)
    {
        var output = new MemoryStream();
        var values = new object?[rows.Columns.Length];
        for (var i = 0; i < rows.Count; i++)
        {
            if (!rows.KindAt(i).IsAccumulate())
                throw new SqlRuntimeException($"'{Name}' is append-only but received a {rows.KindAt(i).ShortString()} row");
            for (var c = 0; c < values.Length; c++)
                values[c] = rows.Columns[c].GetBoxed(i);
            var text = value.Encode(values);
            if (!kafka)
            {
                output.Write(Encoding.UTF8.GetBytes(text + "\n"));
                continue;
            }

            var keyBytes = key is null ? null : Encoding.UTF8.GetBytes(key.Encode(keyColumns.Select(k => values[k]).ToArray()));
            KafkaRecordFrames.Write(output, null, keyBytes, keyBytes is not null, Encoding.UTF8.GetBytes(text), hasValue: true);
        }

        Emit(0, new BytesBatch(output.ToArray(), rows.Count));
    }
}
