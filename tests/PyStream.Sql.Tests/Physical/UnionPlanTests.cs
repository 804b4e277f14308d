using PyStream.Engine.Spec;
using PyStream.Sql.Protocol;
using PyStream.Sql.Service;

namespace PyStream.Sql.Tests.Physical;

public sealed class UnionPlanTests
{
    [Fact]
    public void Union_all_is_one_sql_operator_reading_every_branch_and_read_as_one_input()
    {
        var response = SqlService.Execute(new SqlRequest
        {
            Statement = "SELECT a FROM (VALUES (1)) AS x(a) UNION ALL SELECT b + 1 FROM (VALUES (2)) AS y(b)",
            BatchMode = true,
            CollectId = "c",
        });
        var job = JobSpec.Parser.ParseFrom(response.Job);
        Assert.DoesNotContain(job.Transformations, t => t.BodyCase == Transformation.BodyOneofCase.Union);
        var union = Assert.Single(job.Transformations, t => t.Name == "Union");
        Assert.Equal(Transformation.BodyOneofCase.Sql, union.BodyCase);
        Assert.Equal(2, union.Inputs.Count);
        Assert.All(job.Transformations.Where(t => t.Inputs.Any(i => i.SourceId == union.Id)), t => Assert.Single(t.Inputs));
    }
}
