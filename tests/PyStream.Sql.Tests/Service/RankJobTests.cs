using PyStream.Sql.Parsing;
using PyStream.Sql.Physical;
using PyStream.Sql.Planning;
using PyStream.Sql.Protocol;

namespace PyStream.Sql.Tests.Service;

/// <summary>Top-N and deduplication in SQL: what the planner recognizes and refuses, and jobs against a brute-force model of the ranks.</summary>
public sealed class RankJobTests
{
    /// <summary>Rows id 0..23 in id order: k = id % 3, v = id * 7 % 10 (scrambled values, some equal within a key).</summary>
    private const string Source = """
        CREATE TABLE src (id BIGINT, k AS id % 3, v AS id * 7 % 10, pt AS PROCTIME())
        WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '23')
        """;

    private static readonly long[] Ids = Enumerable.Range(0, 24).Select(i => (long)i).ToArray();

    private static string Explain(string query)
    {
        var session = new SqlSession(new SqlRequest { Catalog = { new CatalogEntry { Sql = Source } } });
        return ExplainText.Of(session, SqlParser.ParseStatement(query));
    }

    [Theory]
    [InlineData("SELECT * FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM src) WHERE rn <= 3",
        "Rank(strategy=[AppendFastStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[k], orderBy=[v DESC], select=[id, k, v, w0$o0])")]
    [InlineData("SELECT id, v FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC, id) AS rn FROM src) WHERE rn < 3",
        "Rank(strategy=[AppendFastStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=2], partitionBy=[k], orderBy=[v DESC, id ASC], select=[id, k, v])")]
    [InlineData("SELECT * FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) AS rn FROM src) WHERE rn BETWEEN 2 AND 4 AND id > 3",
        "rankRange=[rankStart=2, rankEnd=4]")]
    [InlineData("SELECT * FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) AS rn FROM src) WHERE 3 >= rn",
        "rankRange=[rankStart=1, rankEnd=3]")]
    [InlineData("SELECT k, n FROM (SELECT k, n, ROW_NUMBER() OVER (ORDER BY n DESC) AS rn FROM (SELECT k, COUNT(*) AS n FROM src GROUP BY k)) WHERE rn <= 2",
        "Rank(strategy=[RetractStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=2], partitionBy=[], orderBy=[n DESC], select=[k, n])")]
    [InlineData("SELECT id, k FROM (SELECT id, k, ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt) AS rn FROM src) WHERE rn = 1",
        "Deduplicate(keep=[FirstRow], key=[k], order=[PROCTIME])")]
    [InlineData("SELECT * FROM (SELECT id, k, ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt DESC) AS rn FROM src) WHERE rn = 1",
        "Deduplicate(keep=[LastRow], key=[k], order=[PROCTIME])")]
    [InlineData("SELECT * FROM (SELECT id, k, ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt DESC) AS rn FROM src) WHERE rn <= 2",
        "Rank(strategy=[AppendFastStrategy]")]
    [InlineData("WITH ranked AS (SELECT id, k, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) AS rn FROM src) SELECT id FROM ranked WHERE rn <= 2",
        "Rank(strategy=[AppendFastStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=2], partitionBy=[k], orderBy=[v ASC], select=[id, k, v])")]
    [InlineData("SELECT t.id, t.r FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM src) AS t(id, k, v, r) WHERE t.r <= 2",
        "rankRange=[rankStart=1, rankEnd=2], partitionBy=[k], orderBy=[v DESC], select=[id, k, v, w0$o0]")]
    public void The_planner_recognizes_a_filtered_row_number(string query, string expected)
    {
        Assert.Contains(expected, Explain(query), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT * FROM (SELECT id, k, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) AS rn FROM src)", "Rank end is not specified")]
    [InlineData("SELECT * FROM (SELECT id, k, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) AS rn FROM src) WHERE rn > 2", "Rank end is not specified")]
    [InlineData("SELECT * FROM (SELECT id, k, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) AS rn FROM src) WHERE rn <= 0", "Rank end should not less than zero")]
    [InlineData("SELECT * FROM (SELECT id, k, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) AS rn FROM src) WHERE rn <= id", "Rank end is not specified")]
    [InlineData("SELECT * FROM (SELECT id, k, RANK() OVER (PARTITION BY k ORDER BY v) AS rn FROM src) WHERE rn <= 2", "RANK() on streaming table is not supported currently")]
    [InlineData("SELECT * FROM (SELECT id, k, DENSE_RANK() OVER (PARTITION BY k ORDER BY v) AS rn FROM src) WHERE rn <= 2", "DENSE_RANK() on streaming table is not supported currently")]
    [InlineData("SELECT * FROM (SELECT id, k, ROW_NUMBER() OVER (PARTITION BY k) AS rn FROM src) WHERE rn <= 2", "needs an ORDER BY")]
    [InlineData("SELECT * FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) + 1 AS rn FROM src) WHERE rn <= 2", "a ranking function inside an expression")]
    [InlineData("SELECT id FROM src WHERE ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) <= 2", "is allowed only as an item of the select list")]
    [InlineData("""
        SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY n DESC) AS rownum
          FROM (SELECT window_start, window_end, k, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(pt), INTERVAL '10' SECONDS)) GROUP BY window_start, window_end, k))
        WHERE rownum <= 2
        """, "window Top-N over processing-time windows is not supported yet")]
    public void A_rank_the_planner_cannot_run_is_refused_saying_why(string query, string message)
    {
        var error = Assert.Throws<SqlValidationException>(() => Explain(query));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The changelog of a rank, by brute force: after each row, every row so far sorted (equal
    /// sort keys in arrival order), ranks 1..n compared with the ranks before.
    /// </summary>
    private static List<string> Model(Func<long, long> partition, Comparison<long> order, int n, bool withRank)
    {
        var seen = new List<long>();
        var changes = new List<string>();
        foreach (var id in Ids)
        {
            long[] Top() => seen.Where(o => partition(o) == partition(id)).OrderBy(o => o, Comparer<long>.Create(order)).ThenBy(o => o).Take(n).ToArray();
            var before = Top();
            seen.Add(id);
            var after = Top();
            string Row(long o) => $"{o}, {o % 3}, {o * 7 % 10}";
            if (withRank)
            {
                for (var r = 0; r < n; r++)
                {
                    long? old = r < before.Length ? before[r] : null, now = r < after.Length ? after[r] : null;
                    if (old == now)
                        continue;
                    if (old is { } o)
                        changes.Add($"{(now is null ? "-D" : "-U")}[{Row(o)}, {r + 1}]");
                    if (now is { } w)
                        changes.Add($"{(old is null ? "+I" : "+U")}[{Row(w)}, {r + 1}]");
                }
            }
            else
            {
                changes.AddRange(before.Except(after).Select(o => $"-D[{Row(o)}]"));
                changes.AddRange(after.Except(before).Select(o => $"+I[{Row(o)}]"));
            }
        }

        return changes;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_top_n_over_an_append_only_input_emits_the_changes_of_its_ranks(bool withRank)
    {
        var sql = new SqlJobs();
        sql.Execute(Source);
        sql.Execute(withRank
            ? "CREATE TABLE out (id BIGINT, k BIGINT, v BIGINT, rn BIGINT) WITH ('connector' = 'print')"
            : "CREATE TABLE out (id BIGINT, k BIGINT, v BIGINT) WITH ('connector' = 'print')");
        var lines = sql.Run($"INSERT INTO out SELECT id, k, v{(withRank ? ", rn" : "")} FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM src) WHERE rn <= 3");
        // v descending; equal values keep arrival order.
        Assert.Equal(Model(id => id % 3, (a, b) => (b * 7 % 10).CompareTo(a * 7 % 10), 3, withRank), lines);
    }
}
