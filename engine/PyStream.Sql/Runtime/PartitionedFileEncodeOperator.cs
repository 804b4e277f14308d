using System.Text;
using PyStream.Engine.Records;
using PyStream.Sql.Formats;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Rows of a partitioned filesystem table encoded as file lines, one batch per partition
/// directory (its bucket, <c>dt=2024-01-01/hr=10</c>): the lines hold the other columns only,
/// as Flink writes them; the file sink puts each batch's part files into its directory.
/// </summary>
public sealed class PartitionedFileEncodeOperator(string name, RowFormat format, IReadOnlyList<int> dataColumns,
    IReadOnlyList<int> partitionColumns, PartitionColumns partitions, int inputCount = 1) : SqlOperator(name, inputCount)
{
    protected override void ProcessRows(int input, RowBatch rows)
    {
        var buckets = new SortedDictionary<string, (MemoryStream Lines, int Count)>(StringComparer.Ordinal);
        var data = new object?[dataColumns.Count];
        var partition = new object?[partitionColumns.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            if (!rows.KindAt(i).IsAccumulate())
                throw new SqlRuntimeException($"'{Name}' is append-only but received a {rows.KindAt(i).ShortString()} row");
            for (var c = 0; c < data.Length; c++)
                data[c] = rows.Columns[dataColumns[c]].GetBoxed(i);
            for (var c = 0; c < partition.Length; c++)
                partition[c] = rows.Columns[partitionColumns[c]].GetBoxed(i);
            var bucket = PartitionPath.Format(partitions.Fields, partition, partitions.DefaultName);
            if (!buckets.TryGetValue(bucket, out var lines))
                lines = (new MemoryStream(), 0);
            lines.Lines.Write(Encoding.UTF8.GetBytes(format.Encode(data) + "\n"));
            buckets[bucket] = (lines.Lines, lines.Count + 1);
        }

        foreach (var (bucket, lines) in buckets)
            Emit(0, new BytesBatch(lines.Lines.ToArray(), lines.Count) { Bucket = bucket });
    }
}
