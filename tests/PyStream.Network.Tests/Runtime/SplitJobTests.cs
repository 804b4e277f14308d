using System.Globalization;
using PyStream.Engine.Graph;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Cluster;
using PyStream.Engine.Spec;
using PyStream.Network.Channels;
using PyStream.Network.Hosting;
using PyStream.Sql.Protocol;
using PyStream.Sql.Service;

namespace PyStream.Network.Tests.Runtime;

/// <summary>
/// One job's subtasks split over two workers' shares of an attempt in this process, each with its own
/// partition registry behind a Kestrel server on 127.0.0.1, connected by network channels: the output is
/// the one run's output. SQL jobs: keyed exchanges and event-time windows without Python.
/// </summary>
public sealed class SplitJobTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_tumbling_window_split_over_two_workers_prints_what_one_run_prints()
    {
        // Rows 0..199 at event time id * 100 ms, windows of 1 s keyed by id mod 3: 20 windows x 3 keys.
        var spec = SqlJob(parallelism: 4,
            """
            CREATE TABLE numbers (id BIGINT, ts AS TO_TIMESTAMP_LTZ(id * 100, 3), WATERMARK FOR ts AS ts)
            WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '199')
            """,
            "CREATE TABLE out (k BIGINT, window_start TIMESTAMP(3), n BIGINT, total BIGINT) WITH ('connector' = 'print')",
            """
            INSERT INTO out SELECT id % 3, window_start, COUNT(*), SUM(id)
            FROM TABLE(TUMBLE(TABLE numbers, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY id % 3, window_start, window_end
            """);

        var split = await RunSplitAsync(spec);

        Assert.Equal(60, split.Length);
        var expected = Enumerable.Range(0, 200).GroupBy(id => (Key: id % 3, Window: id / 10)).Select(g => $"{g.Key.Key}, {g.Count()}, {g.Sum()}");
        Assert.Equal(expected.Order(StringComparer.Ordinal), split.Select(WithoutWindowStart).Order(StringComparer.Ordinal));
        Assert.Equal(RunWhole(spec), split);
    }

    [Fact]
    public async Task A_group_by_split_over_two_workers_sends_each_key_to_the_subtask_a_single_run_sends_it_to()
    {
        var spec = SqlJob(parallelism: 3,
            "CREATE TABLE numbers (id BIGINT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '300')",
            "CREATE TABLE out (k BIGINT, n BIGINT, total BIGINT) WITH ('connector' = 'print')",
            "INSERT INTO out SELECT id % 7, COUNT(*), SUM(id) FROM numbers GROUP BY id % 7");

        var split = Finals(await RunSplitAsync(spec));

        // The sources' subtasks interleave differently in every run, so only each key's final row and the sink subtask printing it are fixed.
        var expected = Enumerable.Range(1, 300).GroupBy(id => id % 7).Select(g => $"{g.Key}, {g.Count()}, {g.Sum()}");
        Assert.Equal(expected.Order(StringComparer.Ordinal), split.Select(l => l[(l.IndexOf('>', StringComparison.Ordinal) + 2)..]).Order(StringComparer.Ordinal));
        Assert.Equal(Finals(RunWhole(spec)), split);
    }

    /// <summary>Each key's final row, as "N> key, count, sum": a key's count only grows, so its update with the highest count.</summary>
    private static string[] Finals(string[] lines) =>
    [
        .. lines.Where(l => !l.Contains("-U[", StringComparison.Ordinal))
            .Select(l => (Subtask: l[..l.IndexOf('>', StringComparison.Ordinal)], Fields: l[(l.IndexOf('[', StringComparison.Ordinal) + 1)..^1].Split(", ")))
            .GroupBy(r => r.Fields[0])
            .Select(g => g.MaxBy(r => long.Parse(r.Fields[1], CultureInfo.InvariantCulture)))
            .Select(r => $"{r.Subtask}> {string.Join(", ", r.Fields)}")
            .Order(StringComparer.Ordinal),
    ];

    [Fact]
    public async Task A_share_that_is_cancelled_breaks_its_channels_and_fails_the_other_share()
    {
        var spec = SqlJob(parallelism: 2,
            "CREATE TABLE numbers (id BIGINT) WITH ('connector' = 'datagen')",
            "CREATE TABLE out (k BIGINT, n BIGINT) WITH ('connector' = 'blackhole')",
            "INSERT INTO out SELECT id % 5, COUNT(*) FROM numbers GROUP BY id % 5");
        await using var workers = await Workers.StartAsync(2);
        var shares = workers.Deploy(spec, new StringWriter[] { new(), new() });
        await WaitUntilAsync(() => shares.All(s => s.Status == JobStatus.Running));

        shares[0].Cancel();

        var failure = Assert.Throws<JobExecutionException>(() => shares[1].Wait(Deadline));
        Assert.Contains("network channel", failure.InnerException!.Message, StringComparison.Ordinal);
        Assert.True(shares[0].Wait(Deadline));
        Assert.Equal(JobStatus.Canceled, shares[0].Status);
    }

    [Fact]
    public async Task A_worker_without_the_clusters_token_is_refused_by_the_others_data_plane_and_its_share_fails()
    {
        var spec = SqlJob(parallelism: 2,
            "CREATE TABLE numbers (id BIGINT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '100')",
            "CREATE TABLE out (k BIGINT, n BIGINT) WITH ('connector' = 'blackhole')",
            "INSERT INTO out SELECT id % 5, COUNT(*) FROM numbers GROUP BY id % 5");
        await using var workers = await Workers.StartAsync(2, token: "the-cluster-token");
        var shares = workers.Deploy(spec, [new(), new()], tokens: ["the-cluster-token", "another-token"]);

        // Worker 1 reads from worker 0 with the wrong token: refused, naming the partition.
        var failure = Assert.Throws<JobExecutionException>(() => shares[1].Wait(Deadline));
        Assert.Contains("was refused", failure.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("network channels need the cluster token", failure.InnerException!.Message, StringComparison.Ordinal);
        // Worker 0's share fails too (its consumer on worker 1 went away) or is cancelled: either way it ends.
        shares[0].Cancel();
        Assert.True(EndsWithin(shares[0], Deadline));
    }

    private static bool EndsWithin(JobExecution share, TimeSpan deadline)
    {
        try
        {
            return share.Wait(deadline);
        }
        catch (JobExecutionException)
        {
            return true;
        }
    }

    private static string WithoutWindowStart(string line)
    {
        var fields = line[(line.IndexOf('[', StringComparison.Ordinal) + 1)..^1].Split(", ");
        return string.Join(", ", fields[0], fields[2], fields[3]);
    }

    /// <summary>The job in one process: its lines, sorted (subtasks print in any interleaving).</summary>
    private static string[] RunWhole(JobSpec spec)
    {
        var stdout = new StringWriter();
        JobExecution.Run(spec, new JobEnvironment { Stdout = stdout, OperatorProviders = [new SqlOperators()] });
        return Lines(stdout);
    }

    /// <summary>The job split over two workers' shares: all their lines, sorted.</summary>
    private static async Task<string[]> RunSplitAsync(JobSpec spec)
    {
        await using var workers = await Workers.StartAsync(2);
        var stdout = new StringWriter[] { new(), new() };
        var shares = workers.Deploy(spec, stdout);
        foreach (var share in shares)
            Assert.True(share.Wait(Deadline), "a share of the attempt did not end");
        Assert.All(shares, s => Assert.Equal(JobStatus.Finished, s.Status));
        Assert.All(stdout, s => Assert.NotEmpty(s.ToString())); // both workers ran sink subtasks
        return [.. stdout.SelectMany(Lines).Order(StringComparer.Ordinal)];
    }

    private static string[] Lines(StringWriter stdout) =>
        [.. stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    private static JobSpec SqlJob(int parallelism, params string[] statements)
    {
        var catalog = new List<CatalogEntry>();
        SqlResponse? response = null;
        foreach (var statement in statements)
        {
            var request = new SqlRequest { Statement = statement, CollectId = "test" };
            request.Catalog.AddRange(catalog);
            request.Configuration["parallelism.default"] = parallelism.ToString(CultureInfo.InvariantCulture);
            response = SqlService.Execute(request);
            if (response.CatalogEntry is { Sql.Length: > 0 } entry)
                catalog.Add(entry);
        }

        Assert.Equal(SqlResponse.Types.Kind.Job, response!.Kind);
        return JobSpec.Parser.ParseFrom(response.Job);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }

    /// <summary>Workers' data planes in this process, and an attempt deployed over them.</summary>
    private sealed class Workers : IAsyncDisposable
    {
        private readonly List<NetworkServer> _servers = [];
        private readonly List<ResultPartitionRegistry> _registries = [];
        private readonly NetworkConnections _connections = new();

        public static async Task<Workers> StartAsync(int count, string? token = null)
        {
            var workers = new Workers();
            for (var i = 0; i < count; i++)
            {
                var registry = new ResultPartitionRegistry(new NetworkSettings());
                workers._registries.Add(registry);
                workers._servers.Add(await NetworkServer.StartAsync(registry, token));
            }

            return workers;
        }

        /// <summary>Slot i on worker i mod count, as the coordinator spreads slots; starts every worker's share.</summary>
        /// <param name="tokens">The token each worker's channels present (none: none).</param>
        public List<JobExecution> Deploy(JobSpec spec, StringWriter[] stdout, string?[]? tokens = null)
        {
            var graph = JobGraphBuilder.Build(spec);
            var slots = Enumerable.Range(0, SlotSharing.SlotsNeeded(graph)).Select(i => new SubtaskLocation($"worker-{i % _servers.Count}", i)).ToList();
            var placement = SlotSharing.Place(graph, slots);
            var addresses = _servers.Select((s, i) => (Id: $"worker-{i}", s.Address)).ToDictionary(w => w.Id, w => w.Address);
            var attempt = Guid.NewGuid().ToString("N");
            return [.. _registries.Select((registry, i) => JobExecution.StartPart(spec, new JobEnvironment
            {
                Stdout = stdout[i],
                OperatorProviders = [new SqlOperators()],
                Network = new WorkerChannels(registry, _connections, tokens?[i]),
            }, new AttemptDeployment(attempt, $"worker-{i}", placement, addresses), jobId: "split-job"))];
        }

        public async ValueTask DisposeAsync()
        {
            _connections.Dispose();
            foreach (var server in _servers)
                await server.DisposeAsync();
        }
    }
}
