namespace PyStream.Sql.Tests.Service;

/// <summary>OVER aggregates in SQL on the real engine, against a plain model of the frames; and the queries they refuse.</summary>
public sealed class OverAggregateJobTests
{
    /// <summary>Rows id 0..23, k = id % 2, at second id / 4: each key has two rows (peers) each second.</summary>
    private const string Events = """
        CREATE TABLE events (id BIGINT, k AS id % 2, ts AS TO_TIMESTAMP_LTZ(id / 4 * 1000, 3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
        WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '23')
        """;

    private static readonly long[] Ids = Enumerable.Range(0, 24).Select(i => (long)i).ToArray();

    /// <summary>The sum over each row's frame, worked out from the frame's definition (rows of a key in id order, which is time order).</summary>
    private static List<string> Model(Func<long, long, bool> inFrame) =>
        Ids.Select(id => $"+I[{id}, {id % 2}, {Ids.Where(o => o % 2 == id % 2 && inFrame(id, o)).Sum()}]").Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string, string> Frames => new()
    {
        { "ROWS BETWEEN 2 PRECEDING AND CURRENT ROW", "rows2" },
        { "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW", "rowsUnbounded" },
        { "RANGE BETWEEN INTERVAL '1' SECOND PRECEDING AND CURRENT ROW", "range1s" },
        { "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW", "rangeUnbounded" },
        { "", "rangeUnbounded" },
        { "ROWS 1 PRECEDING", "rows1" },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public void Each_row_gets_the_sum_over_its_frame(string frame, string model)
    {
        Func<long, long, bool> inFrame = model switch
        {
            // Same key: ids differ by 2 per row, so "n rows before" is id - 2n <= o <= id.
            "rows2" => (id, o) => o <= id && o >= id - 4,
            "rows1" => (id, o) => o <= id && o >= id - 2,
            "rowsUnbounded" => (id, o) => o <= id,
            // RANGE: every row whose second is within the offset, peers (same second) included.
            "range1s" => (id, o) => o / 4 <= id / 4 && o / 4 >= id / 4 - 1,
            _ => (id, o) => o / 4 <= id / 4,
        };
        foreach (var batch in new[] { false, true })
        {
            var sql = new SqlJobs(batchMode: batch, parallelism: 2);
            sql.Execute(Events);
            sql.Execute("CREATE TABLE out (id BIGINT, k BIGINT, total BIGINT) WITH ('connector' = 'print')");
            var lines = sql.Run($"INSERT INTO out SELECT id, k, SUM(id) OVER (PARTITION BY k ORDER BY ts {frame}) FROM events");
            Assert.Equal(Model(inFrame), lines.Select(l => l[(l.IndexOf('>') + 2)..]).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Several_aggregates_share_a_named_window()
    {
        var sql = new SqlJobs();
        sql.Execute(Events);
        sql.Execute("CREATE TABLE out (id BIGINT, n BIGINT, lowest BIGINT, highest BIGINT, average BIGINT) WITH ('connector' = 'print')");
        var lines = sql.Run("""
            INSERT INTO out
            SELECT id, COUNT(*) OVER w, MIN(id) OVER w, MAX(id) OVER w, AVG(id) OVER w
            FROM events
            WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
            """);
        var expected = Ids.Select(id =>
        {
            var frame = Ids.Where(o => o % 2 == id % 2 && o <= id && o >= id - 4).ToArray();
            return $"+I[{id}, {frame.Length}, {frame.Min()}, {frame.Max()}, {frame.Sum() / frame.Length}]";
        });
        Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_processing_time_window_counts_the_rows_of_a_key_as_they_come()
    {
        // ROWS UNBOUNDED PRECEDING in processing time: the n-th row of a key (in arrival order, id order here) counts n.
        var sql = new SqlJobs();
        sql.Execute("""
            CREATE TABLE numbers (id BIGINT, k AS id % 3, pt AS PROCTIME())
            WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '11')
            """);
        sql.Execute("CREATE TABLE out (id BIGINT, n BIGINT) WITH ('connector' = 'print')");
        var lines = sql.Run("INSERT INTO out SELECT id, COUNT(*) OVER (PARTITION BY k ORDER BY pt ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM numbers");
        Assert.Equal(Enumerable.Range(0, 12).Select(id => $"+I[{id}, {id / 3 + 1}]").Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("SELECT SUM(id) OVER (PARTITION BY k ORDER BY ts ROWS 2 PRECEDING), COUNT(*) OVER (PARTITION BY k ORDER BY ts) FROM events",
        "All aggregates must be computed on the same window")]
    [InlineData("SELECT SUM(id) OVER (PARTITION BY k ORDER BY id) FROM events", "OVER windows' ordering in stream mode must be defined on a time attribute")]
    [InlineData("SELECT SUM(id) OVER (PARTITION BY k) FROM events", "OVER windows' ordering in stream mode must be defined on a time attribute")]
    [InlineData("SELECT SUM(id) OVER (PARTITION BY k ORDER BY ts DESC) FROM events", "The window can only be ordered in ASCENDING mode")]
    [InlineData("SELECT SUM(id) OVER (ORDER BY ts, id) FROM events", "The window can only be ordered by a single time column")]
    [InlineData("SELECT SUM(id) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM events", "OVER ROWS FOLLOWING windows are not supported yet")]
    [InlineData("SELECT SUM(id) OVER (ORDER BY ts RANGE 2 PRECEDING) FROM events", "RANGE over a time attribute takes an INTERVAL")]
    [InlineData("SELECT ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts) FROM events", "Rank end is not specified")]
    [InlineData("SELECT SUM(id) OVER v FROM events WINDOW w AS (ORDER BY ts)", "Window 'v' not found (did you mean 'w'?)")]
    [InlineData("SELECT k, SUM(id) OVER (ORDER BY ts) FROM events GROUP BY k", "OVER is allowed only in the SELECT list of a query without GROUP BY")]
    [InlineData("SELECT SUM(n) OVER (ORDER BY ts) FROM (SELECT k, COUNT(*) AS n, MAX(ts) AS ts FROM events GROUP BY k)", "OVER aggregates need an append-only input")]
    public void A_query_the_over_aggregate_cannot_run_is_refused_saying_why(string query, string message)
    {
        var sql = new SqlJobs();
        sql.Execute(Events);
        var error = Assert.Throws<SqlValidationException>(() => sql.Execute(query));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
