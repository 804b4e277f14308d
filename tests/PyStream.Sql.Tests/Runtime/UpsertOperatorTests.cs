using PyStream.Engine;
using PyStream.Engine.Graph;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Time;
using PyStream.Sql.Formats;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>upsert-kafka's operators: the sink's encoding, the source's decoding, and the normalization into a changelog.</summary>
public sealed class UpsertOperatorTests
{
    private static readonly SqlType[] Types = [SqlType.String, SqlType.BigInt];

    [Fact]
    public void Normalize_turns_each_keys_newest_row_into_inserts_updates_and_deletes()
    {
        var output = Run(new ChangelogNormalizeOperator("normalize", new RowKeys([0], [SqlType.String]), Types),
            (RowKind.UpdateAfter, ["a", 1L]), (RowKind.UpdateAfter, ["b", 2L]), (RowKind.UpdateAfter, ["a", 1L]),
            (RowKind.UpdateAfter, ["a", 3L]), (RowKind.Delete, ["a", null]), (RowKind.Delete, ["c", null]), (RowKind.UpdateAfter, ["a", 4L]));
        // a: first row +I; the same row again changes nothing; a new row retracts the old one;
        // the tombstone deletes the last row (not the key-only row it carries); c never existed.
        Assert.Equal(["+I[a, 1]", "+I[b, 2]", "-U[a, 1]", "+U[a, 3]", "-D[a, 3]", "+I[a, 4]"], output.Rows);
    }

    [Fact]
    public void The_sink_drops_update_befores_and_writes_tombstones_that_the_source_reads_back_as_deletes()
    {
        var layout = Layout("EXCEPT_KEY");
        var encoded = Run(new UpsertEncodeOperator("encode", layout),
            (RowKind.Insert, ["a", 1L]), (RowKind.UpdateBefore, ["a", 1L]), (RowKind.UpdateAfter, ["a", 2L]), (RowKind.Delete, ["a", 2L]));
        var records = new List<string>();
        var framed = (BytesBatch)encoded.Batches.Single();
        KafkaRecordFrames.Read(framed.Data, framed.Count, (_, _, key, value) =>
            records.Add($"{System.Text.Encoding.UTF8.GetString(key!)} -> {(value is null ? "null" : System.Text.Encoding.UTF8.GetString(value))}"));
        Assert.Equal(["{\"k\":\"a\"} -> {\"v\":1}", "{\"k\":\"a\"} -> {\"v\":2}", "{\"k\":\"a\"} -> null"], records);

        var decoded = Run(new UpsertDecodeOperator("decode", layout, Types), framed);
        Assert.Equal(["+U[a, 1]", "+U[a, 2]", "-D[a, null]"], decoded.Rows);
    }

    private static KafkaKeyValueLayout Layout(string include)
    {
        var options = new Dictionary<string, string>();
        var values = include == "ALL" ? new[] { 0, 1 } : [1];
        return new KafkaKeyValueLayout(RowFormat.Create("json", [new SqlField("k", SqlType.String)], options, "key."), [0],
            RowFormat.Create("json", values.Select(i => new SqlField(i == 0 ? "k" : "v", Types[i])).ToArray(), options, "value."), values, 2);
    }

    private static CollectedBatches Run(SqlOperator op, params (RowKind Kind, object?[] Values)[] rows)
    {
        var builder = new RowBuilder(Types);
        foreach (var (kind, values) in rows)
            builder.Add(kind, values);
        return Run(op, builder.Take()!);
    }

    private static CollectedBatches Run(SqlOperator op, Batch input)
    {
        var output = new CollectedBatches();
        op.Outputs[0].Add(output);
        var info = new TaskInfo(op.Name, 0, 1, JobGraphBuilder.DefaultMaxParallelism, 0);
        using var timers = new ProcessingTimeService(TimeProvider.System, _ => { });
        op.Open(new TaskContext(info, new JobEnvironment(), null, timers, () => { }));
        op.ProcessBatch(0, input);
        op.EndInput(0);
        op.Close();
        return output;
    }

    /// <summary>What an operator emitted: its batches, and its rows as Flink prints them (<c>+I[a, 1]</c>).</summary>
    private sealed class CollectedBatches : IBatchConsumer
    {
        public List<Batch> Batches { get; } = [];

        public List<string> Rows => Batches.OfType<RowBatch>().SelectMany(rows => Enumerable.Range(0, rows.Count)
            .Select(r => $"{rows.KindAt(r).ShortString()}[{string.Join(", ", rows.Columns.Select(c => c.GetBoxed(r) ?? "null"))}]")).ToList();

        public void Accept(Batch batch) => Batches.Add(batch);

        public void AcceptWatermark(long watermark)
        {
        }

        public void AcceptWatermarkStatus(bool idle)
        {
        }

        public void EndOfInput()
        {
        }
    }
}
