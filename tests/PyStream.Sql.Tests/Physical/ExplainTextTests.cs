using PyStream.Sql.Parsing;
using PyStream.Sql.Physical;
using PyStream.Sql.Planning;
using PyStream.Sql.Protocol;
using PyStream.Sql.Service;

namespace PyStream.Sql.Tests.Physical;

/// <summary>EXPLAIN shows what a Calc computes (expected texts written by hand).</summary>
public sealed class ExplainTextTests
{
    private const string Gen = "CREATE TABLE gen (id INT, name STRING) WITH ('connector' = 'datagen')";

    private static string Explain(string query)
    {
        var session = new SqlSession(new SqlRequest { Catalog = { new CatalogEntry { Sql = Gen } } });
        return ExplainText.Of(session, SqlParser.ParseStatement(query));
    }

    [Fact]
    public void A_calc_shows_its_condition_and_computed_columns()
    {
        var plan = Explain("SELECT id, id * 2 AS twice, UPPER(name) AS loud FROM gen WHERE id > 2 AND name <> 'x'");
        Assert.Contains("Calc(select=[id, (id * 2) AS twice, UPPER(name) AS loud], where=[((id > 2) AND (name <> 'x'))])", plan);
    }

    [Fact]
    public void Calcs_that_differ_only_in_their_condition_get_different_uids()
    {
        static string CalcUid(string query)
        {
            var response = SqlService.Execute(new SqlRequest { Catalog = { new CatalogEntry { Sql = Gen } }, Statement = query, CollectId = "c" });
            var job = PyStream.Engine.Spec.JobSpec.Parser.ParseFrom(response.Job);
            return job.Transformations.Single(t => t.Name.StartsWith("Calc(", StringComparison.Ordinal)).Uid;
        }

        Assert.NotEqual(CalcUid("SELECT id FROM gen WHERE id > 2"), CalcUid("SELECT id FROM gen WHERE id > 3"));
    }

    [Fact]
    public void A_join_shows_its_type_condition_columns_and_input_specs_and_hashes_both_inputs()
    {
        var plan = Explain("SELECT * FROM gen a LEFT JOIN gen b ON a.id = b.id AND a.name < b.name");

        Assert.Contains("LogicalJoin(condition=[(id = id0) AND (name < name0)], joinType=[left])", plan);
        Assert.Contains("Join(joinType=[LeftOuterJoin], where=[(id = id0) AND (name < name0)], select=[id, name, id0, name0], leftInputSpec=[NoUniqueKey], rightInputSpec=[NoUniqueKey]) (parallelism 1) <- #1 HASH, #2 HASH", plan);
    }

    [Fact]
    public void A_join_input_shows_its_unique_key_as_flink_does()
    {
        // GROUP BY id: one row per id, and the join key is id (JoinKeyContainsUniqueKey). A Top-1 by name, joined on id:
        // one row per name, which the join key does not contain (HasUniqueKey). The datagen table has no key.
        var plan = Explain("SELECT * FROM (SELECT id, COUNT(*) AS n FROM gen GROUP BY id) c "
            + "JOIN (SELECT id, name FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY name ORDER BY id) AS rn FROM gen) WHERE rn = 1) t ON c.id = t.id");

        Assert.Contains("Join(joinType=[InnerJoin], where=[(id = id0)], select=[id, n, id0, name], leftInputSpec=[JoinKeyContainsUniqueKey], rightInputSpec=[HasUniqueKey])", plan);
    }

    [Fact]
    public void A_join_of_inputs_unique_by_their_join_keys_is_unique_by_either_key()
    {
        // Both sides have one row per id, so the join has one row per id: a third input joined on it sees a unique key.
        var plan = Explain("SELECT * FROM gen g JOIN (SELECT a.id, n, m FROM (SELECT id, COUNT(*) AS n FROM gen GROUP BY id) a "
            + "JOIN (SELECT id, MAX(name) AS m FROM gen GROUP BY id) b ON a.id = b.id) ab ON g.id = ab.id");

        Assert.Contains("leftInputSpec=[JoinKeyContainsUniqueKey], rightInputSpec=[JoinKeyContainsUniqueKey])", plan);
        Assert.Contains("leftInputSpec=[NoUniqueKey], rightInputSpec=[JoinKeyContainsUniqueKey])", plan);
    }

    [Fact]
    public void A_join_input_with_a_declared_primary_key_has_it_as_its_unique_key()
    {
        var session = new SqlSession(new SqlRequest
        {
            Catalog =
            {
                new CatalogEntry { Sql = Gen },
                new CatalogEntry { Sql = "CREATE TABLE keyed (id INT, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'datagen')" },
            },
        });
        var plan = ExplainText.Of(session, SqlParser.ParseStatement("SELECT * FROM gen g LEFT JOIN keyed k ON g.name = k.name"));

        Assert.Contains("leftInputSpec=[NoUniqueKey], rightInputSpec=[HasUniqueKey])", plan);
    }

    [Fact]
    public void Keys_compared_by_is_not_distinct_from_are_equal_keys_and_hash_both_inputs()
    {
        var plan = Explain("SELECT * FROM gen a JOIN gen b ON a.id IS NOT DISTINCT FROM b.id AND a.name = b.name");

        Assert.Contains("Join(joinType=[InnerJoin], where=[(id IS NOT DISTINCT FROM id0) AND (name = name0)], select=[id, name, id0, name0], leftInputSpec=[NoUniqueKey], rightInputSpec=[NoUniqueKey]) (parallelism 1) <- #1 HASH, #2 HASH", plan);
    }

    [Fact]
    public void A_join_condition_on_one_side_filters_that_input_unless_the_side_is_preserved()
    {
        var plan = Explain("SELECT * FROM gen a LEFT JOIN gen b ON a.id = b.id AND a.name = 'x' AND b.name = 'y'");

        // The left side is preserved (its rows come out padded even when a.name is not 'x'); the right one is filtered first.
        Assert.Contains("Join(joinType=[LeftOuterJoin], where=[(id = id0) AND (name = 'x')], select=[id, name, id0, name0]", plan);
        Assert.Contains("where=[(name = 'y')]", plan);
    }

    [Fact]
    public void A_join_without_equal_keys_runs_on_one_subtask()
    {
        var plan = Explain("SELECT * FROM gen a CROSS JOIN gen b");

        Assert.Contains("Join(joinType=[InnerJoin], where=[true], select=[id, name, id0, name0]", plan);
        Assert.DoesNotContain("HASH", plan);
    }

    private static string ExplainWide(string query)
    {
        const string Wide = "CREATE TABLE wide (k INT, a STRING, b STRING, c BIGINT) WITH ('connector' = 'datagen')";
        var session = new SqlSession(new SqlRequest { Catalog = { new CatalogEntry { Sql = Wide } } });
        return ExplainText.Of(session, SqlParser.ParseStatement(query));
    }

    [Fact]
    public void A_join_under_a_calc_keeps_only_the_columns_used_above_it_its_keys_and_its_condition()
    {
        var plan = ExplainWide("SELECT l.a, r.c FROM wide l JOIN wide r ON l.k = r.k AND l.c < r.c");

        // left: a (selected), k (key), c (condition); right: k (key), c (selected and condition). No b on either side.
        Assert.Contains("Calc(select=[k, a, c])", plan);
        Assert.Contains("Calc(select=[k, c])", plan);
        Assert.Contains("Join(joinType=[InnerJoin], where=[(k = k0) AND (c < c0)], select=[k, a, c, k0, c0]", plan);
    }

    [Fact]
    public void A_rank_under_a_calc_keeps_only_the_columns_used_above_it_and_its_keys_and_so_does_the_join_below_it()
    {
        var plan = ExplainWide(
            "SELECT k, a, rn FROM (SELECT l.k, l.a, l.b, r.c, ROW_NUMBER() OVER (PARTITION BY l.k ORDER BY r.c DESC) AS rn "
            + "FROM wide l JOIN wide r ON l.k = r.k) WHERE rn <= 2");

        // The rank keeps k (selected, partition key), a (selected) and c (sort key), not b; the join below keeps those and its keys.
        Assert.Contains("partitionBy=[k], orderBy=[c DESC], select=[k, a, c, w0$o0])", plan);
        Assert.Contains("Join(joinType=[InnerJoin], where=[(k = k0)], select=[k, a, k0, c]", plan);
    }

    [Fact]
    public void A_rank_over_a_changelog_keeps_its_input_whole()
    {
        // A retraction finds its row by all its values, so a rank over an updating input is not narrowed.
        var plan = ExplainWide(
            "SELECT k, n FROM (SELECT k, n, m, ROW_NUMBER() OVER (ORDER BY n DESC) AS rn FROM (SELECT k, COUNT(*) AS n, MAX(c) AS m FROM wide GROUP BY k)) WHERE rn <= 2");
        Assert.Contains("orderBy=[n DESC], select=[k, n, m])", plan);
    }
}
