using System.Text.Json;
using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime;
using PyStream.Gateway.Cluster;
using PyStream.Gateway.Jobs;
using PyStream.Gateway.Monitoring;

namespace PyStream.Gateway.Api;

/// <summary>The Web UI's REST calls, with Flink's resource and field names where they fit (gateway/README.md).</summary>
public static class RestApi
{
    public static void Map(WebApplication app, string version)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/overview", (JobRegistry jobs, Cluster.WorkerRegistry workers) =>
        {
            var counts = jobs.All.GroupBy(j => j.Execution.Status).ToDictionary(g => g.Key, g => g.Count());
            int Count(params JobStatus[] statuses) => statuses.Sum(s => counts.GetValueOrDefault(s));
            return Results.Json(new Dictionary<string, object>(ClusterResources.Overview(workers))
            {
                ["jobs-running"] = Count(JobStatus.Created, JobStatus.Running, JobStatus.Cancelling, JobStatus.Failing, JobStatus.Restarting),
                ["jobs-finished"] = Count(JobStatus.Finished),
                ["jobs-cancelled"] = Count(JobStatus.Canceled),
                ["jobs-failed"] = Count(JobStatus.Failed),
                ["pystream-version"] = version,
            });
        });
        app.MapGet("/jobs", (JobRegistry jobs) =>
            Results.Json(new { jobs = jobs.All.Select(j => new { id = j.Id, status = JobRecord.StatusName(j.Execution.Status) }) }));
        app.MapGet("/jobs/overview", (JobRegistry jobs, TimeProvider time) =>
            Results.Json(new { jobs = jobs.All.Select(j => Summary(j, time)) }));
        app.MapGet("/jobs/{id}", (string id, JobRegistry jobs, TaskMetrics metrics, TimeProvider time) =>
            jobs.Find(id) is { } job ? Results.Json(Details(job, metrics, time)) : NotFound(id));
        app.MapGet("/jobs/{id}/vertices/{vertex:int}", (string id, int vertex, JobRegistry jobs, TaskMetrics metrics, TimeProvider time, WorkerRegistry workers) =>
            jobs.Find(id) is { } job ? VertexDetails(job, vertex, metrics, time, workers) : NotFound(id));
        app.MapGet("/jobs/{id}/config", (string id, JobRegistry jobs) =>
            jobs.Find(id) is { } job ? Results.Json(Config(job)) : NotFound(id));
        app.MapGet("/jobs/{id}/stdout", (string id, int? tail, JobRegistry jobs) => JobText(jobs, id, error: false, tail));
        app.MapGet("/jobs/{id}/log", (string id, int? tail, JobRegistry jobs, Uploads.UploadRegistry uploads) =>
            JobText(jobs, id, error: true, tail, uploads.OfJob(id)));
        app.MapGet("/jobs/{id}/vertices/{vertex:int}/metrics", (string id, int vertex, string? get, JobRegistry jobs, TaskMetrics metrics) =>
            jobs.Find(id) is { } job ? VertexUserMetrics(job, vertex, get, metrics) : NotFound(id));
        app.MapGet("/jobs/{id}/checkpoints", (string id, JobRegistry jobs) =>
            jobs.Find(id) is { } job ? Results.Json(CheckpointResources.Statistics(job.Execution)) : NotFound(id));
        app.MapGet("/jobs/{id}/checkpoints/config", (string id, JobRegistry jobs) =>
            jobs.Find(id) is { } job ? Results.Json(CheckpointResources.Config(job.Execution)) : NotFound(id));
        app.MapGet("/jobs/{id}/checkpoints/details/{checkpoint:long}", (string id, long checkpoint, JobRegistry jobs) =>
            jobs.Find(id) is not { } job ? NotFound(id)
            : CheckpointResources.Details(job.Execution, checkpoint) is { } details ? Results.Json(details)
            : Error(StatusCodes.Status404NotFound, $"job '{id}' has no checkpoint {checkpoint}"));
        app.MapGet("/jobs/{id}/exceptions", (string id, JobRegistry jobs) =>
            jobs.Find(id) is { } job ? Results.Json(Exceptions(job.Execution)) : NotFound(id));
        app.MapMethods("/jobs/{id}", ["PATCH"], (string id, string? mode, JobRegistry jobs) =>
        {
            if (jobs.Find(id) is not { } job)
                return NotFound(id);
            if (mode is not (null or "cancel"))
                return BadRequest($"mode must be 'cancel', not '{mode}'");
            job.Execution.Cancel();
            return Results.Json(new { }, statusCode: StatusCodes.Status202Accepted);
        });
        app.MapPost("/jobs/{id}/savepoints", (string id, HttpRequest request, JobRegistry jobs) =>
            Savepoint(id, request, jobs, "target-directory", "cancel-job", alwaysStops: false));
        app.MapPost("/jobs/{id}/stop", (string id, HttpRequest request, JobRegistry jobs) =>
            Savepoint(id, request, jobs, "targetDirectory", "drain", alwaysStops: true));
    }

    /// <summary>
    /// Takes a savepoint and answers with its location once taken. <c>/savepoints</c> stops the job
    /// when its body's <c>cancel-job</c> is true; <c>/stop</c> always stops it, first advancing event
    /// time to its end when <c>drain</c> is true (Flink's stop-with-savepoint).
    /// </summary>
    private static async Task<IResult> Savepoint(string id, HttpRequest request, JobRegistry jobs, string directoryField, string flagField, bool alwaysStops)
    {
        if (jobs.Find(id) is not { } job)
            return NotFound(id);
        string? directory;
        bool flag;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false);
            var root = body.RootElement;
            directory = root.TryGetProperty(directoryField, out var target) && target.ValueKind != JsonValueKind.Null ? target.GetString() : null;
            flag = root.TryGetProperty(flagField, out var value) && value.GetBoolean();
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            return BadRequest($"the body must be JSON like {{\"{directoryField}\": \"/path\" or null, \"{flagField}\": false}}: {error.Message}");
        }

        try
        {
            var stop = alwaysStops || flag;
            var drain = alwaysStops && flag;
            return Results.Json(new { location = await job.Execution.TriggerSavepoint(directory, stop, drain).ConfigureAwait(false) });
        }
        catch (PyStreamException error)
        {
            return Error(StatusCodes.Status409Conflict, error.Message);
        }
    }

    /// <summary>Every refusal has this shape: the status and <c>{"errors": [reason, ...]}</c>.</summary>
    public static IResult Error(int status, params string[] errors) => Results.Json(new { errors }, statusCode: status);

    public static IResult NotFound(string id) => Error(StatusCodes.Status404NotFound, $"no job with id '{id}'");

    public static IResult BadRequest(params string[] errors) => Error(StatusCodes.Status400BadRequest, errors);

    private static Dictionary<string, object?> Summary(JobRecord job, TimeProvider time)
    {
        var execution = job.Execution;
        var start = execution.StartTime.ToUnixTimeMilliseconds();
        var end = execution.EndTime?.ToUnixTimeMilliseconds();
        return new Dictionary<string, object?>
        {
            ["jid"] = job.Id,
            ["name"] = execution.Name,
            ["state"] = JobRecord.StatusName(execution.Status),
            ["start-time"] = start,
            ["end-time"] = end ?? -1,
            ["duration"] = (end ?? time.GetUtcNow().ToUnixTimeMilliseconds()) - start,
        };
    }

    /// <summary>Flink's vertex metrics call: the ids of the vertex's user metrics, with their values (all, or those <c>get</c> names).</summary>
    private static IResult VertexUserMetrics(JobRecord job, int vertex, string? get, TaskMetrics metrics)
    {
        if (job.Execution.Graph.Chains.FirstOrDefault(c => c.Index == vertex) is not { } chain)
            return Error(StatusCodes.Status404NotFound, $"job '{job.Id}' has no vertex {vertex}");
        var values = metrics.Vertex(job.Id, chain.Index, chain.Parallelism)?.UserMetrics ?? new Dictionary<string, double>();
        var wanted = get?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return Results.Json(values.Where(m => wanted is null || wanted.Contains(m.Key))
            .Select(m => new { id = m.Key, value = m.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
    }

    /// <summary>
    /// A job's stdout or log as text; <paramref name="tail"/> keeps its last that many characters.
    /// The log of a job an uploaded script started ends with what that script printed.
    /// </summary>
    private static IResult JobText(JobRegistry jobs, string id, bool error, int? tail, Uploads.UploadRecord? upload = null)
    {
        if (jobs.Find(id) is not { } job)
            return NotFound(id);
        if (tail < 0)
            return BadRequest($"tail must be a number of characters (0 or more), not {tail}");
        var text = upload is null ? job.Events.Text(error, tail) : UploadResources.WithScriptOutput(job.Events.Text(error), upload, tail);
        return Results.Text(text, "text/plain; charset=utf-8");
    }

    /// <summary>Flink's vertex details: the vertex, and a row per subtask with its own numbers.</summary>
    private static IResult VertexDetails(JobRecord job, int vertex, TaskMetrics metrics, TimeProvider time, WorkerRegistry workers)
    {
        var execution = job.Execution;
        if (execution.Graph.Chains.FirstOrDefault(c => c.Index == vertex) is not { } chain)
            return Error(StatusCodes.Status404NotFound, $"job '{job.Id}' has no vertex {vertex}");
        var running = execution.Status == JobStatus.Running;
        var status = JobRecord.StatusName(execution.Status);
        var placement = execution.ScheduledAttempt?.Placement;
        return Results.Json(new Dictionary<string, object?>
        {
            ["id"] = chain.Index,
            ["name"] = chain.Name,
            ["parallelism"] = chain.Parallelism,
            ["now"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
            ["subtasks"] = metrics.Subtasks(job.Id, chain.Index, chain.Parallelism).Select((numbers, subtask) => new Dictionary<string, object?>
            {
                ["subtask"] = subtask,
                ["status"] = status,
                // On a cluster: the worker running it (Flink's fields), once placed.
                ["taskmanager-id"] = placement?.GetValueOrDefault((chain.Index, subtask))?.Worker,
                ["host"] = placement?.GetValueOrDefault((chain.Index, subtask)) is { } location ? workers.Find(location.Worker)?.Offer.HostName : null,
                ["metrics"] = new Dictionary<string, long> { ["read-records"] = numbers?.RecordsIn ?? 0, ["write-records"] = numbers?.RecordsOut ?? 0 },
                ["busy-ratio"] = running ? numbers?.BusyRatio ?? 0 : 0,
                ["idle-ratio"] = running ? numbers?.IdleRatio ?? 0 : 0,
                ["backpressured-ratio"] = running ? numbers?.BackpressuredRatio ?? 0 : 0,
                ["watermark"] = numbers?.Watermark,
                ["state-size"] = numbers?.StateSize,
            }),
        });
    }

    /// <summary>Flink's job configuration: the execution config, with every configuration key in effect as the engine reads it.</summary>
    private static Dictionary<string, object?> Config(JobRecord job)
    {
        var execution = job.Execution;
        return new Dictionary<string, object?>
        {
            ["jid"] = job.Id,
            ["name"] = execution.Name,
            ["execution-config"] = new Dictionary<string, object?>
            {
                ["execution-mode"] = execution.Graph.IsBatch ? "BATCH" : "STREAMING",
                ["restart-strategy"] = execution.RestartStrategyDescription,
                ["job-parallelism"] = execution.Graph.Chains.Select(c => c.Parallelism).DefaultIfEmpty(1).Max(),
                ["user-config"] = new SortedDictionary<string, string>(
                    EngineSettings.Read(execution.Configuration).ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal),
            },
        };
    }

    private static Dictionary<string, object?> Details(JobRecord job, TaskMetrics metrics, TimeProvider time)
    {
        var execution = job.Execution;
        var graph = execution.Graph;
        var running = execution.Status == JobStatus.Running;
        var chainOf = graph.Chains.SelectMany(c => c.Nodes.Select(n => (n, c))).ToDictionary(x => x.n, x => x.c);
        var details = Summary(job, time);
        details["now"] = time.GetUtcNow().ToUnixTimeMilliseconds();
        // PyStream's: why a job on a cluster has not started its subtasks yet (waiting for slots); null once they run.
        details["pending-reason"] = execution.ScheduledAttempt?.Waiting;
        details["vertices"] = graph.Chains.Select(chain =>
        {
            var numbers = metrics.Vertex(job.Id, chain.Index, chain.Parallelism);
            return new Dictionary<string, object?>
            {
                ["id"] = chain.Index,
                ["name"] = chain.Name,
                ["parallelism"] = chain.Parallelism,
                ["status"] = JobRecord.StatusName(execution.Status),
                ["metrics"] = new Dictionary<string, long> { ["read-records"] = numbers?.RecordsIn ?? 0, ["write-records"] = numbers?.RecordsOut ?? 0 },
                ["busy-ratio"] = running ? numbers?.BusyRatio ?? 0 : 0,
                ["idle-ratio"] = running ? numbers?.IdleRatio ?? 0 : 0,
                ["backpressured-ratio"] = running ? numbers?.BackpressuredRatio ?? 0 : 0,
                ["watermark"] = numbers?.Watermark,
                ["user-metrics"] = numbers?.UserMetrics ?? new Dictionary<string, double>(),
            };
        });
        details["edges"] = graph.Chains.SelectMany(chain => chain.NetworkInputs.Select(edge => new Dictionary<string, object>
        {
            ["source"] = chainOf[edge.Source].Index,
            ["target"] = chain.Index,
            ["ship_strategy"] = edge.Partitioning.ToString().ToUpperInvariant(),
        }));
        return details;
    }

    private static Dictionary<string, object?> Exceptions(JobExecution execution)
    {
        var failures = execution.Failures;
        var failed = execution.Status == JobStatus.Failed;
        var entries = failures.Select((f, i) => new Dictionary<string, object?>
        {
            ["exceptionName"] = ExceptionName(f),
            ["stacktrace"] = f.UserTraceback ?? f.Message,
            ["timestamp"] = f.At.ToUnixTimeMilliseconds(),
            ["restarted"] = !(failed && i == failures.Count - 1),
            ["taskName"] = f.TaskName,
        }).Reverse().ToList();
        return new Dictionary<string, object?>
        {
            ["root-exception"] = entries.FirstOrDefault()?["stacktrace"],
            ["root-task"] = entries.FirstOrDefault()?["taskName"],
            ["timestamp"] = entries.FirstOrDefault()?["timestamp"],
            ["exceptionHistory"] = new { entries, truncated = false },
        };
    }

    /// <summary>A user function's Python exception (the traceback's last line), else the engine's message.</summary>
    private static string ExceptionName(JobFailure failure) => failure.UserTraceback is { } traceback
        ? traceback.TrimEnd().Split('\n')[^1]
        : failure.Message;
}
