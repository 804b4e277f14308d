using Google.Protobuf;
using Grpc.Core;
using PyStream.Engine;
using PyStream.Engine.Graph;
using PyStream.Engine.Runtime;
using PyStream.Engine.Spec;
using PyStream.Gateway.Jobs;
using PyStream.Gateway.Protocol;
using PyStream.Gateway.Uploads;
using PyStream.Sql;
using PyStream.Sql.Service;
using PyStream.Sql.Protocol;

namespace PyStream.Gateway.Api;

/// <summary>The gRPC face of the gateway (proto/pystream/v1/gateway.proto).</summary>
public sealed class JobGatewayService(JobRegistry jobs, UploadRegistry uploads) : JobGateway.JobGatewayBase
{
    /// <summary>The trailer that names the exception type of a refused SQL statement.</summary>
    public const string SqlErrorTrailer = "pystream-error-type";

    public override Task<JobInfo> Submit(SubmitRequest request, ServerCallContext context)
    {
        var spec = ParseSpec(request.Spec);
        var upload = Upload(context.RequestHeaders.GetValue(UploadRegistry.SubmissionHeader));
        try
        {
            var job = jobs.Submit(spec, request.Files, request.PythonRoots);
            upload?.OnJobStarted(job);
            return Task.FromResult(job.Info());
        }
        catch (HighAvailability.NotLeaderException error)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, error.Message));
        }
        catch (ArgumentException error)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, error.Message));
        }
        catch (PyStreamException error)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, error.Message));
        }
    }

    public override Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context) =>
        Task.FromResult(new ListJobsResponse { Jobs = { jobs.All.Select(j => j.Info()) } });

    public override Task<JobDetails> GetJob(JobRequest request, ServerCallContext context)
    {
        var job = Find(request.JobId);
        var details = new JobDetails { Info = job.Info(), Failure = job.Failure() };
        details.Checkpoints.AddRange(job.Execution.CheckpointHistory.Entries.Select(c => new CheckpointInfo
        {
            Id = c.Id,
            Kind = c.Kind.ToString(),
            TriggeredAtMs = c.TriggeredAt,
            DurationMs = c.DurationMs,
            SizeBytes = c.SizeBytes,
            Failure = c.Failure ?? "",
        }));
        return Task.FromResult(details);
    }

    public override Task<JobInfo> Cancel(JobRequest request, ServerCallContext context)
    {
        var job = Find(request.JobId);
        job.Execution.Cancel();
        return Task.FromResult(job.Info());
    }

    public override async Task<SavepointResponse> Savepoint(SavepointRequest request, ServerCallContext context)
    {
        var job = Find(request.JobId);
        try
        {
            var path = await job.Execution.TriggerSavepoint(request.Directory, request.Stop, request.Drain).WaitAsync(context.CancellationToken).ConfigureAwait(false);
            return new SavepointResponse { Path = path };
        }
        catch (PyStreamException error)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, error.Message));
        }
    }

    public override async Task Follow(JobRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        var job = Find(request.JobId);
        await foreach (var item in job.Events.Follow(context.CancellationToken).ConfigureAwait(false))
            await responseStream.WriteAsync(item, context.CancellationToken).ConfigureAwait(false);
    }

    public override Task<PlanResponse> Plan(PlanRequest request, ServerCallContext context)
    {
        try
        {
            return Task.FromResult(new PlanResponse { Json = ExecutionPlan.ToJson(JobGraphBuilder.Build(ParseSpec(request.Spec))) });
        }
        catch (PyStreamException error)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, error.Message));
        }
    }

    public override Task<SettingsResponse> ReadSettings(SettingsRequest request, ServerCallContext context)
    {
        try
        {
            return Task.FromResult(new SettingsResponse { Settings = { EngineSettings.Read(request.Configuration).ToDictionary() } });
        }
        catch (PyStreamException error)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, error.Message));
        }
    }

    /// <summary>
    /// A table environment's statement (<see cref="SqlService"/>). A refusal is INVALID_ARGUMENT with the
    /// engine's message, and the refusing exception's type name in the <see cref="SqlErrorTrailer"/> trailer
    /// (the client raises the matching <c>pyflink.util.exceptions</c> class).
    /// </summary>
    public override Task<SqlCall> Sql(SqlCall request, ServerCallContext context)
    {
        SqlRequest parsed;
        try
        {
            parsed = SqlRequest.Parser.ParseFrom(request.Message);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"message is not a pystream.v1.SqlRequest: {error.Message}"));
        }

        try
        {
            return Task.FromResult(new SqlCall { Message = SqlService.Execute(parsed).ToByteString() });
        }
        catch (PyStreamException error)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, error.Message), new Metadata { { SqlErrorTrailer, error.GetType().Name } });
        }
    }

    /// <summary>The upload whose script sends this job (its process carries the upload's id), or null for any other client.</summary>
    private UploadRecord? Upload(string? id)
    {
        if (id is null)
            return null;
        if (uploads.Find(id) is not { } upload)
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"no uploaded script with id '{id}' runs on this gateway ({UploadRegistry.SubmissionHeader})"));
        return upload.HasEnded || upload.State == UploadState.Cancelling
            ? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"uploaded script {upload.Name} ({id}) {upload.Error ?? "has ended"}: it starts no more jobs"))
            : upload;
    }

    private JobRecord Find(string id) =>
        jobs.Find(id) ?? throw new RpcException(new Status(StatusCode.NotFound, $"no job with id '{id}'"));

    private static JobSpec ParseSpec(ByteString bytes)
    {
        JobSpec spec;
        try
        {
            spec = JobSpec.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"spec is not a pystream.v1.JobSpec: {error.Message}"));
        }

        if (spec.Transformations.Count == 0)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the job has no operators: define sources and sinks before submitting it"));
        return spec;
    }
}
