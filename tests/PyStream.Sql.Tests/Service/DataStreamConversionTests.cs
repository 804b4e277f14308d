using PyStream.Engine.Spec;
using PyStream.Sql.Protocol;
using PyStream.Sql.Service;

namespace PyStream.Sql.Tests.Service;

/// <summary>
/// from_data_stream / to_data_stream as the engine sees them: a table with the connector
/// 'datastream' read as an edge from the DataStream's transformation, and a table's job numbered
/// after the DataStream job's nodes, ending in a node that emits Python records.
/// </summary>
public sealed class DataStreamConversionTests
{
    private const string Events =
        "CREATE TEMPORARY TABLE events (k STRING, v INT, rowtime TIMESTAMP_LTZ(3) METADATA, WATERMARK FOR rowtime AS SOURCE_WATERMARK()) " +
        "WITH ('connector' = 'datastream', 'transformation' = '3')";

    private static SqlResponse ToDataStream(string query, bool changelog, params string[] ddl)
    {
        var catalog = new List<CatalogEntry>();
        foreach (var statement in ddl)
            catalog.Add(SqlService.Execute(new SqlRequest { Statement = statement, Catalog = { catalog } }).CatalogEntry);
        var request = new SqlRequest
        {
            Catalog = { catalog },
            FirstTransformationId = 5,
            Table = new TableRequest { Operation = new TableOperation { SqlQuery = query }, ToDataStream = new DataStreamConversion { Changelog = changelog } },
        };
        request.Configuration["parallelism.default"] = "2";
        return SqlService.Execute(request);
    }

    [Fact]
    public void The_job_reads_the_data_stream_node_and_ends_in_python_records()
    {
        var response = ToDataStream("SELECT k, v * 2 AS w, rowtime FROM events WHERE v > 1", changelog: false, Events);
        var spec = JobSpec.Parser.ParseFrom(response.Job);
        Assert.Equal([5, 6, 7], spec.Transformations.Select(t => t.Id));
        var scan = spec.Transformations[0];
        Assert.StartsWith("DataStreamScan(table=[[default_catalog, default_database, events]]", scan.Name, StringComparison.Ordinal);
        Assert.Equal([3], scan.Inputs.Select(e => e.SourceId));
        Assert.False(scan.Sql.Source);
        // SOURCE_WATERMARK(): no assigner; the stream's watermarks pass through.
        Assert.DoesNotContain(spec.Transformations, t => t.Name.StartsWith("WatermarkAssigner", StringComparison.Ordinal));
        Assert.Equal([6], spec.Transformations[2].Inputs.Select(e => e.SourceId));
        Assert.Equal([false, false, true], spec.Transformations.Select(t => t.Sql.PythonRecords));
        Assert.Equal("ToDataStream(fields=[k, w, rowtime])", spec.Transformations[2].Name);
        Assert.Equal(["k", "w", "rowtime"], response.Columns.Select(c => c.Name));
        Assert.Equal("TIMESTAMP_LTZ(3) *ROWTIME*", response.Columns[2].Type);
        Assert.All(spec.Transformations, t => Assert.StartsWith($"sql-{t.Id - 1}-", t.Uid, StringComparison.Ordinal));
    }

    [Fact]
    public void A_watermark_expression_gets_its_own_assigner()
    {
        var ddl = Events.Replace("SOURCE_WATERMARK()", "rowtime - INTERVAL '1' SECOND", StringComparison.Ordinal);
        var spec = JobSpec.Parser.ParseFrom(ToDataStream("SELECT k FROM events", changelog: false, ddl).Job);
        Assert.Contains(spec.Transformations, t => t.Name == "WatermarkAssigner(rowtime=[rowtime])");
    }

    [Fact]
    public void An_updating_table_is_refused_as_a_data_stream_and_taken_as_a_changelog_stream()
    {
        const string query = "SELECT k, COUNT(*) AS c FROM events GROUP BY k";
        var error = Assert.Throws<SqlTableException>(() => ToDataStream(query, changelog: false, Events));
        Assert.StartsWith("Table sink '*anonymous_datastream_sink$1*' doesn't support consuming update changes which is produced by node GroupAggregate(groupBy=[k]", error.Message, StringComparison.Ordinal);
        var response = ToDataStream(query, changelog: true, Events);
        Assert.True(response.Changelog);
        Assert.Equal("ToChangelogStream(fields=[k, c])", JobSpec.Parser.ParseFrom(response.Job).Transformations[^1].Name);
    }

    [Fact]
    public void A_changelog_stream_is_an_updating_table()
    {
        const string changes = "CREATE TEMPORARY TABLE changes (k STRING, v INT) WITH ('connector' = 'datastream', 'transformation' = '2', 'changelog' = 'true')";
        var error = Assert.Throws<SqlTableException>(() => ToDataStream("SELECT k, v FROM changes", changelog: false, changes));
        Assert.Contains("doesn't support consuming update changes", error.Message, StringComparison.Ordinal);
        var response = ToDataStream("SELECT k, v + 1 AS w FROM changes", changelog: true, changes);
        Assert.True(response.Changelog);
        Assert.Equal([2], JobSpec.Parser.ParseFrom(response.Job).Transformations[0].Inputs.Select(e => e.SourceId));
    }

    [Theory]
    [InlineData("CREATE TABLE t (x INT, m BIGINT METADATA FROM 'offset') WITH ('connector' = 'datastream', 'transformation' = '1')", "a DataStream provides only 'rowtime'")]
    [InlineData("CREATE TABLE t (x INT, rowtime TIMESTAMP(3) METADATA) WITH ('connector' = 'datastream', 'transformation' = '1')", "which is TIMESTAMP_LTZ(3); it is declared TIMESTAMP(3)")]
    [InlineData("CREATE TABLE t (x INT) WITH ('connector' = 'datastream')", "Missing required options are: transformation")]
    [InlineData("CREATE TABLE t (x INT, ts TIMESTAMP(3), WATERMARK FOR ts AS SOURCE_WATERMARK()) WITH ('connector' = 'datagen')", "the 'datagen' connector provides no watermarks of its own")]
    public void Tables_a_data_stream_cannot_feed_are_refused(string ddl, string message)
    {
        var error = Assert.Throws<SqlValidationException>(() => SqlService.Execute(new SqlRequest { Statement = ddl }));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
