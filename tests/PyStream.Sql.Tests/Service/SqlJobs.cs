using PyStream.Engine.Runtime;
using PyStream.Engine.Spec;
using PyStream.Sql.Protocol;
using PyStream.Sql.Service;

namespace PyStream.Sql.Tests.Service;

/// <summary>
/// Runs SQL as a table environment does, in this process: statements through the service (the
/// catalog kept as the client keeps it), jobs on the real engine with the SQL operators; what
/// print tables write is captured.
/// </summary>
internal sealed class SqlJobs(bool batchMode = false, int parallelism = 1)
{
    private readonly List<CatalogEntry> _catalog = [];

    public SqlResponse Execute(string statement)
    {
        var request = new SqlRequest { BatchMode = batchMode, Statement = statement, CollectId = "test" };
        request.Catalog.AddRange(_catalog);
        request.Configuration["parallelism.default"] = parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var response = SqlService.Execute(request);
        if (response.CatalogEntry is { Sql.Length: > 0 } entry)
            _catalog.Add(entry);
        return response;
    }

    /// <summary>Runs an INSERT (or statement set) to its end; the lines print tables wrote, in order.</summary>
    public string[] Run(string insert)
    {
        var response = Execute(insert);
        Assert.Equal(SqlResponse.Types.Kind.Job, response.Kind);
        var stdout = new StringWriter();
        JobExecution.Run(JobSpec.Parser.ParseFrom(response.Job), new JobEnvironment { Stdout = stdout, OperatorProviders = [new SqlOperators()] });
        return stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
