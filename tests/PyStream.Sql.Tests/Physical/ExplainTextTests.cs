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
}
