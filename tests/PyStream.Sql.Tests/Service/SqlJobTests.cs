namespace PyStream.Sql.Tests.Service;

/// <summary>SQL queries run on the real engine; expected rows worked out by hand.</summary>
public sealed class SqlJobTests
{
    private const string Sales = "CREATE VIEW sales AS SELECT * FROM (VALUES ('a', 1), ('b', 2), ('a', 3), ('c', 4), ('b', 5), ('a', 6)) AS t(k, v)";

    [Fact]
    public void A_streaming_group_by_emits_each_change_as_a_retraction_and_an_update()
    {
        var sql = new SqlJobs();
        sql.Execute(Sales);
        sql.Execute("CREATE TABLE out (k STRING, n BIGINT, total INT) WITH ('connector' = 'print')");
        var lines = sql.Run("INSERT INTO out SELECT k, COUNT(*), SUM(v) FROM sales GROUP BY k");
        Assert.Equal(
            ["+I[a, 1, 1]", "+I[b, 1, 2]", "-U[a, 1, 1]", "+U[a, 2, 4]", "+I[c, 1, 4]", "-U[b, 1, 2]", "+U[b, 2, 7]", "-U[a, 2, 4]", "+U[a, 3, 10]"],
            lines);
    }

    [Fact]
    public void A_group_by_over_a_changelog_retracts_what_the_rows_it_counted_take_back()
    {
        // Counts per key go a:1, b:1, a:2, c:1, b:2, a:3; how many keys have each count follows them.
        var sql = new SqlJobs();
        sql.Execute(Sales);
        sql.Execute("CREATE TABLE out (n BIGINT, keys BIGINT) WITH ('connector' = 'print')");
        var lines = sql.Run("INSERT INTO out SELECT n, COUNT(*) FROM (SELECT k, COUNT(*) AS n FROM sales GROUP BY k) GROUP BY n");
        Assert.Equal(
            ["+I[1, 1]", "-U[1, 1]", "+U[1, 2]", "-U[1, 2]", "+U[1, 1]", "+I[2, 1]", "-U[1, 1]", "+U[1, 2]", "-U[1, 2]", "+U[1, 1]",
             "-U[2, 1]", "+U[2, 2]", "-U[2, 2]", "+U[2, 1]", "+I[3, 1]"],
            lines);
    }

    [Fact]
    public void Min_and_max_find_the_next_extreme_when_theirs_is_retracted()
    {
        // The max value per key a: 1, 3, 6; then its minimum over keys as the per-key maxima change.
        var sql = new SqlJobs();
        sql.Execute(Sales);
        sql.Execute("CREATE TABLE out (lowest INT) WITH ('connector' = 'print')");
        var lines = sql.Run("INSERT INTO out SELECT MIN(m) FROM (SELECT k, MAX(v) AS m FROM sales GROUP BY k)");
        // Maxima: a1 -> min 1; b2 -> 1; a3 (a1 retracted) -> 2; c4 -> 2; b5 (b2 retracted) -> 3; a6 (a3 retracted) -> 4.
        Assert.Equal(["+I[1]", "-U[1]", "+U[2]", "-U[2]", "+U[3]", "-U[3]", "+U[4]"], lines);
    }

    [Fact]
    public void Batch_mode_emits_only_the_final_row_of_each_group()
    {
        var sql = new SqlJobs(batchMode: true);
        sql.Execute(Sales);
        sql.Execute("CREATE TABLE out (k STRING, n BIGINT, average INT) WITH ('connector' = 'print')");
        var lines = sql.Run("INSERT INTO out SELECT k, COUNT(*), AVG(v) FROM sales GROUP BY k");
        // Integer AVG keeps the integer type: a (1+3+6)/3 = 3, b (2+5)/2 = 3, c 4.
        Assert.Equal(["+I[a, 3, 3]", "+I[b, 2, 3]", "+I[c, 1, 4]"], lines.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void A_tumbling_window_counts_the_rows_of_each_window_once_the_watermark_passes_it()
    {
        // Rows 0..24 at event time id * 400 ms: windows of 2 s hold 5 rows each, keyed by id mod 2.
        var sql = new SqlJobs(parallelism: 2);
        sql.Execute("""
            CREATE TABLE numbers (id BIGINT, ts AS TO_TIMESTAMP_LTZ(id * 400, 3), WATERMARK FOR ts AS ts)
            WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '24')
            """);
        sql.Execute("CREATE TABLE out (parity BIGINT, window_start TIMESTAMP(3), n BIGINT, total BIGINT) WITH ('connector' = 'print')");
        var lines = sql.Run("""
            INSERT INTO out
            SELECT id % 2, window_start, COUNT(*), SUM(id)
            FROM TABLE(TUMBLE(TABLE numbers, DESCRIPTOR(ts), INTERVAL '2' SECOND))
            GROUP BY id % 2, window_start, window_end
            """);
        var expected = new List<string>();
        for (var w = 0; w < 5; w++)
        {
            foreach (var parity in new[] { 0, 1 })
            {
                var ids = Enumerable.Range(w * 5, 5).Where(i => i % 2 == parity).ToArray();
                // Java's LocalDateTime.toString leaves out zero seconds: 1970-01-01T00:00, 1970-01-01T00:00:02.
                var start = w == 0 ? "1970-01-01T00:00" : $"1970-01-01T00:00:{w * 2:00}";
                expected.Add($"+I[{parity}, {start}, {ids.Length}, {ids.Sum()}]");
            }
        }

        // Two sink subtasks prefix their lines with "N> ".
        Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Select(l => l[(l.IndexOf('>') + 2)..]).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("SELECT amout FROM orders", "Column 'amout' not found in any table (did you mean 'amount'?)")]
    [InlineData("SELECT amount FROM order_s", "Object 'order_s' not found (did you mean 'orders'?)")]
    [InlineData("SELECT amount + name FROM orders", "Cannot apply '+' to arguments of type")]
    [InlineData("SELECT UPPR(name) FROM orders", "No match found for function signature UPPR() (did you mean 'UPPER'?)")]
    [InlineData("SELECT name, COUNT(*) FROM orders", "Expression 'name' is not being grouped")]
    public void A_query_that_does_not_make_sense_is_refused_naming_what_is_wrong(string query, string message)
    {
        var sql = new SqlJobs();
        sql.Execute("CREATE TABLE orders (id BIGINT, name STRING, amount DOUBLE) WITH ('connector' = 'datagen')");
        var error = Assert.Throws<SqlValidationException>(() => sql.Execute(query));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("line 1, column", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WITH ('connector' = 'jdbc')", "Could not find any factory for identifier 'jdbc'")]
    [InlineData("WITH ('connector' = 'filesystem', 'format' = 'csv')", "Missing required options are: path")]
    [InlineData("WITH ('connector' = 'filesystem', 'path' = '/tmp/x', 'format' = 'avro')", "Could not find any format factory for identifier 'avro'")]
    [InlineData("WITH ('connector' = 'datagen', 'rows-per-sec' = '5')", "Unsupported options found for 'datagen' (table 't'): rows-per-sec")]
    [InlineData("", "Table options do not contain an option key 'connector'")]
    public void A_table_with_a_connector_or_options_that_cannot_work_is_refused_when_created(string with, string message)
    {
        var error = Assert.Throws<SqlValidationException>(() => new SqlJobs().Execute($"CREATE TABLE t (a INT) {with}"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_syntax_error_names_the_line_the_column_and_the_token()
    {
        var error = Assert.Throws<SqlParseException>(() => new SqlJobs().Execute("SELECT a,\nFROM t"));
        Assert.Contains("line 2, column 1", error.Message, StringComparison.Ordinal);
        Assert.Equal("'FROM'", error.OffendingToken);
    }

    [Fact]
    public void Planning_the_same_query_twice_gives_the_same_operator_uids_and_another_query_other_ones()
    {
        string[] Uids(string query)
        {
            var sql = new SqlJobs();
            sql.Execute(Sales);
            sql.Execute("CREATE TABLE out (k STRING, n BIGINT) WITH ('connector' = 'blackhole')");
            var spec = Engine.Spec.JobSpec.Parser.ParseFrom(sql.Execute(query).Job);
            return spec.Transformations.Select(t => t.Uid).ToArray();
        }

        var count = Uids("INSERT INTO out SELECT k, COUNT(*) FROM sales GROUP BY k");
        Assert.Equal(count, Uids("INSERT INTO out SELECT k, COUNT(*) FROM sales GROUP BY k"));
        var sum = Uids("INSERT INTO out SELECT k, CAST(SUM(v) AS BIGINT) FROM sales GROUP BY k");
        Assert.NotEqual(count.Single(u => u.Contains("groupaggregate", StringComparison.Ordinal)), sum.Single(u => u.Contains("groupaggregate", StringComparison.Ordinal)));
    }

    [Fact]
    public void Union_all_feeds_one_operator_from_several_inputs()
    {
        var sql = new SqlJobs();
        sql.Execute("CREATE TABLE out (y STRING, n BIGINT) WITH ('connector' = 'print')");
        var lines = sql.Run("""
            INSERT INTO out SELECT y, COUNT(*) FROM (
              SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(x, y) UNION ALL SELECT * FROM (VALUES (3, 'a')) AS u(x, y))
            GROUP BY y
            """);
        // The two inputs interleave in any order; the final count per letter is a: 2, b: 1.
        var final = new Dictionary<string, string>();
        foreach (var line in lines)
        {
            var fields = line[3..^1].Split(", ");
            if (line.StartsWith("+", StringComparison.Ordinal))
                final[fields[0]] = fields[1];
        }

        Assert.Equal(new Dictionary<string, string> { ["a"] = "2", ["b"] = "1" }, final);
    }

    [Fact]
    public void A_select_without_from_computes_one_row()
    {
        var sql = new SqlJobs();
        sql.Execute("CREATE TABLE out (n INT, s STRING) WITH ('connector' = 'print')");
        Assert.Equal(["+I[2, AB]"], sql.Run("INSERT INTO out SELECT 1 + 1, UPPER(CONCAT('a', 'b'))"));
    }
}
