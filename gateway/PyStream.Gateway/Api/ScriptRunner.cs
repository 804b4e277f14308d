using PyStream.Engine.Runtime;
using PyStream.Gateway.Jobs;
using PyStream.Python;

namespace PyStream.Gateway.Api;

/// <summary>
/// <c>POST /jobs/submit</c>: runs an uploaded <c>.py</c> script here, as <c>./pystream run</c>
/// would, on a thread of its own; the jobs it starts join the registry. The call answers once
/// the first job started, or the script failed before that.
/// </summary>
public sealed class ScriptRunner(JobRegistry jobs, JobEnvironment environment, GatewayOptions options)
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
        if (Path.GetFileName(name) != name || name is "." or ".." || !name.EndsWith(".py", StringComparison.Ordinal) || name.Contains('\\'))
            return RestApi.BadRequest($"the script must be a plain file name ending in .py, not '{name}'");

        var directory = Path.Combine(options.DataDirectory, "uploads", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        await using (var target = File.Create(path))
            await file.CopyToAsync(target).ConfigureAwait(false);

        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = new EmbeddedEngine(environment, spec =>
        {
            var job = jobs.Start(spec);
            started.TrySetResult(job.Id);
            return (job.Execution, job.Environment);
        });
        new Thread(() => ended.TrySetResult(PythonScripts.RunUploaded(path, engine))) { IsBackground = true, Name = $"pystream script {name}" }.Start();

        var first = await Task.WhenAny(started.Task, ended.Task, Task.Delay(AnswerWithin)).ConfigureAwait(false);
        if (first == started.Task)
            return Results.Json(new { jobs = new[] { started.Task.Result } });
        if (first == ended.Task)
        {
            return ended.Task.Result is { } error
                ? RestApi.BadRequest($"{name} failed before it started a job", error)
                : RestApi.BadRequest($"{name} ended without starting a job (does it call env.execute()?)");
        }

        return Results.Json(new { jobs = Array.Empty<string>(), errors = new[] { $"{name} is still running and has not started a job after {AnswerWithin.TotalSeconds:0} s" } },
            statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult TooLarge() =>
        RestApi.Error(StatusCodes.Status413PayloadTooLarge, $"the upload is larger than {GatewayOptions.UploadLimitBytes >> 20} MiB");
}
