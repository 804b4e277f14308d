using PyStream.Cluster.Protocol;
using PyStream.Gateway.Uploads;

namespace PyStream.Gateway.Api;

/// <summary>
/// <c>POST /jobs/submit</c>: runs an uploaded <c>.py</c> script in a process of its own
/// (<see cref="UploadRegistry"/>), which submits its jobs back to this gateway. The call answers
/// once the first job started, or the script ended before that (with its traceback and exit
/// status); a script still busy after <see cref="AnswerWithin"/> is answered 202 and stays listed
/// under <c>/jobs/uploads</c>, where it can be cancelled.
/// </summary>
public sealed class ScriptRunner(UploadRegistry uploads, GatewayOptions options)
{
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(60);

    public async Task<IResult> Submit(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasFormContentType)
            return RestApi.BadRequest("send the script as multipart/form-data in the field 'script'");
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync().ConfigureAwait(false);
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (InvalidDataException error)
        {
            // The form reader says a body over its limit is invalid data.
            return error.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) ? TooLarge() : RestApi.BadRequest($"malformed form: {error.Message}");
        }
        catch (Exception error) when (error is IOException or BadHttpRequestException)
        {
            // A body that ends before the form's closing boundary, or a connection cut short.
            return RestApi.BadRequest($"the upload is incomplete (the multipart body ended early): {error.Message}");
        }

        if (form.Files.GetFile("script") is not { } file)
            return RestApi.BadRequest("the form has no file in the field 'script'");
        var name = file.FileName;
        if (!ScriptProcess.IsScriptName(name))
            return RestApi.BadRequest($"the script must be a plain file name ending in .py, not '{name}'");

        var id = Guid.NewGuid().ToString("N");
        var directory = Path.Combine(options.DataDirectory, "uploads", id);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        await using (var target = File.Create(path))
            await file.CopyToAsync(target).ConfigureAwait(false);

        var upload = uploads.Start(id, path);
        await Task.WhenAny(upload.FirstJobOrEnd, Task.Delay(AnswerWithin)).ConfigureAwait(false);
        if (upload.JobIds is { Count: > 0 } started)
            return Results.Json(new { jobs = started.Take(1), upload = upload.Id });
        if (!upload.HasEnded)
        {
            return Results.Json(new
            {
                jobs = Array.Empty<string>(),
                upload = upload.Id,
                errors = new[] { $"{name} is still running and has not started a job after {AnswerWithin.TotalSeconds:0} s (GET /jobs/uploads/{upload.Id} shows it; PATCH /jobs/uploads/{upload.Id}?mode=cancel stops it)" },
            }, statusCode: StatusCodes.Status202Accepted);
        }

        if (upload is { State: UploadState.Failed, ProcessId: null })
            return RestApi.Error(StatusCodes.Status500InternalServerError, upload.Error ?? "the script's process did not start"); // the script never ran
        return upload.State == UploadState.Finished
            ? RestApi.BadRequest($"{name} ended without starting a job (does it call env.execute()?)")
            : RestApi.BadRequest($"{name} failed before it started a job", $"{upload.Output}pystream: {name} {upload.Error}\n");
    }

    private static IResult TooLarge() =>
        RestApi.Error(StatusCodes.Status413PayloadTooLarge, $"the upload is larger than {GatewayOptions.UploadLimitBytes >> 20} MiB");
}
