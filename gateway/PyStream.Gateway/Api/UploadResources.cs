using PyStream.Gateway.Uploads;

namespace PyStream.Gateway.Api;

/// <summary>
/// Uploaded scripts in REST, which Flink has no resource for: <c>GET /jobs/uploads</c> (newest
/// first), <c>GET /jobs/uploads/{id}</c> (with the script's output), and
/// <c>PATCH /jobs/uploads/{id}?mode=cancel</c>, shaped as Flink's job cancel, which stops the
/// script's process. Cancelling an upload does not cancel the jobs it already started: they are jobs.
/// </summary>
public static class UploadResources
{
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/jobs/uploads", (UploadRegistry uploads, TimeProvider time) =>
            Results.Json(new { uploads = uploads.All.Select(u => Summary(u, time)) }));
        app.MapGet("/jobs/uploads/{id}", (string id, UploadRegistry uploads, TimeProvider time) =>
        {
            if (uploads.Find(id) is not { } upload)
                return NotFound(id);
            var details = Summary(upload, time);
            details["output"] = upload.Output;
            return Results.Json(details);
        });
        app.MapMethods("/jobs/uploads/{id}", ["PATCH"], (string id, string? mode, UploadRegistry uploads) =>
        {
            if (uploads.Find(id) is not { } upload)
                return NotFound(id);
            if (mode is not (null or "cancel"))
                return RestApi.BadRequest($"mode must be 'cancel', not '{mode}'");
            return upload.Cancel()
                ? Results.Json(new { }, statusCode: StatusCodes.Status202Accepted)
                : RestApi.Error(StatusCodes.Status409Conflict, $"upload '{id}' ({upload.Name}) is not running: it is {StateName(upload.State)}");
        });
    }

    public static string StateName(UploadState state) => state.ToString().ToUpperInvariant();

    /// <summary>
    /// A job's log followed by what the uploaded script that started it printed (read now, so it is
    /// complete once the script ended; its output comes through a pipe and its jobs over gRPC, so no
    /// order between the two is promised); with <paramref name="tail"/>, the last that many characters.
    /// </summary>
    public static string WithScriptOutput(string log, UploadRecord upload, int? tail)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var text = $"{log}pystream: what the uploaded script {upload.Name} printed (upload {upload.Id}, {StateName(upload.State)}):\n{upload.Output}";
        return tail is { } last && text.Length > last
            ? $"pystream: {text.Length - last} earlier characters are not shown\n{text[^last..]}"
            : text;
    }

    private static Dictionary<string, object?> Summary(UploadRecord upload, TimeProvider time)
    {
        var start = upload.StartTime.ToUnixTimeMilliseconds();
        var end = upload.EndTime?.ToUnixTimeMilliseconds();
        return new Dictionary<string, object?>
        {
            ["id"] = upload.Id,
            ["name"] = upload.Name,
            ["state"] = StateName(upload.State),
            ["start-time"] = start,
            ["end-time"] = end ?? -1,
            ["duration"] = (end ?? time.GetUtcNow().ToUnixTimeMilliseconds()) - start,
            ["jobs"] = upload.JobIds,
            ["pid"] = upload.ProcessId,
            ["worker"] = upload.Worker,
            ["exit-code"] = upload.ExitCode,
            ["error"] = upload.Error,
        };
    }

    private static IResult NotFound(string id) => RestApi.Error(StatusCodes.Status404NotFound, $"no upload with id '{id}'");
}
