using Grpc.Core;
using PyStream.Cluster.Protocol;

namespace PyStream.Gateway.Cluster;

/// <summary>
/// cluster.proto's service on the coordinator: registration and heartbeat streams of workers.
/// The token, when the gateway has one, is checked before any call arrives here (<see cref="Api.TokenCheck"/>).
/// </summary>
internal sealed class ClusterCoordinatorService(WorkerRegistry registry, ClusterScheduler scheduler, UploadsOnWorkers uploads, CoordinatorStopping stopping) : ClusterService.ClusterServiceBase
{
    public override Task<RegisterWorkerResponse> RegisterWorker(RegisterWorkerRequest request, ServerCallContext context)
    {
        var hardware = request.Hardware ?? new Hardware();
        var offer = new WorkerOffer(request.PystreamVersion, request.Slots, request.HostName, request.DataAddress, request.InstanceId,
            new WorkerHardware(hardware.CpuCores, hardware.PhysicalMemoryBytes, hardware.FreeMemoryBytes, hardware.ManagedMemoryBytes));
        try
        {
            var worker = registry.Register(offer);
            return Task.FromResult(new RegisterWorkerResponse
            {
                WorkerId = worker.Id,
                HeartbeatIntervalMs = (long)registry.Heartbeats.Interval.TotalMilliseconds,
                HeartbeatTimeoutMs = (long)registry.Heartbeats.Timeout.TotalMilliseconds,
                CoordinatorVersion = registry.Version,
            });
        }
        catch (WorkerRefusedException refusal)
        {
            throw new RpcException(new Status(refusal.Code, refusal.Message));
        }
    }

    public override async Task Heartbeat(IAsyncStreamReader<WorkerHeartbeat> requestStream, IServerStreamWriter<CoordinatorHeartbeat> responseStream,
        ServerCallContext context)
    {
        string? workerId = null;
        var reason = "it closed its heartbeat stream";
        // A stopping coordinator ends the streams itself: Kestrel would otherwise wait for them to end.
        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping.Token);
        try
        {
            while (await requestStream.MoveNext(open.Token).ConfigureAwait(false))
            {
                var beat = requestStream.Current;
                if (workerId is not null && beat.WorkerId != workerId)
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"this heartbeat stream is worker {workerId}'s, not {beat.WorkerId}'s"));
                if (!registry.Heartbeat(beat.WorkerId, beat.FreeMemoryBytes))
                {
                    workerId = null; // not ours to remove
                    throw new RpcException(new Status(StatusCode.NotFound, $"no worker {beat.WorkerId} is registered here: register again"));
                }

                workerId = beat.WorkerId;
                await responseStream.WriteAsync(new CoordinatorHeartbeat(), open.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsStopping)
        {
            reason = "the coordinator stops";
        }
        catch (Exception error) when (error is IOException or OperationCanceledException)
        {
            reason = $"its connection dropped ({error.GetType().Name})";
        }
        finally
        {
            if (workerId is not null)
                registry.Remove(workerId, reason);
        }
    }

    public override async Task Deployments(IAsyncStreamReader<WorkerReport> requestStream, IServerStreamWriter<DeploymentCommand> responseStream,
        ServerCallContext context)
    {
        using var open = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping.Token);
        if (!await requestStream.MoveNext(open.Token).ConfigureAwait(false) || requestStream.Current.WorkerId is not { Length: > 0 } workerId)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "a deployment stream opens with the worker's id"));
        var worker = registry.Find(workerId) ?? throw new RpcException(new Status(StatusCode.NotFound, $"no worker {workerId} is registered here: register again"));
        var session = scheduler.Open(worker);
        uploads.Connected(session);
        var reason = "it closed the stream";
        var sending = SendAsync(session, responseStream, open.Token);
        using var metrics = new WorkerMetricsReplay(workerId, scheduler.Time, scheduler.Logger);
        try
        {
            while (await requestStream.MoveNext(open.Token).ConfigureAwait(false))
            {
                var report = requestStream.Current;
                switch (report.ReportCase)
                {
                    case WorkerReport.ReportOneofCase.Metrics:
                        metrics.Apply(report.Metrics);
                        break;
                    case WorkerReport.ReportOneofCase.UploadStarted or WorkerReport.ReportOneofCase.UploadOutput or WorkerReport.ReportOneofCase.UploadEnded:
                        uploads.OnReport(workerId, report);
                        break;
                    default:
                        scheduler.OnReport(workerId, report);
                        break;
                }
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException)
        {
            reason = stopping.IsStopping ? "the coordinator stops" : $"its connection dropped ({error.GetType().Name})";
        }
        finally
        {
            uploads.Disconnected(session, reason);
            scheduler.Close(session, reason);
            await open.CancelAsync().ConfigureAwait(false);
            await sending.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private static async Task SendAsync(WorkerSession session, IServerStreamWriter<DeploymentCommand> responseStream, CancellationToken cancellation)
    {
        await foreach (var command in session.Commands.ReadAllAsync(cancellation).ConfigureAwait(false))
            await responseStream.WriteAsync(command, cancellation).ConfigureAwait(false);
    }
}
