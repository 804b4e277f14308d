using Grpc.Core;
using Grpc.Net.Client;
using PyStream.Cluster.Protocol;

namespace PyStream.Worker;

/// <summary>
/// Keeps this worker registered: registers, then beats on a heartbeat stream until the stream
/// or the coordinator's answers stop, then registers again. Unreachable coordinators are retried
/// with <see cref="RegistrationBackoff"/>, each failure logged with its address and cause; a
/// refusal (another version, a wrong or missing token) stops the worker, since retrying cannot help.
/// </summary>
internal sealed class CoordinatorConnection(
    WorkerOptions options,
    WorkerIdentity identity,
    ShareExecutor shares,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<CoordinatorConnection> logger) : BackgroundService
{
    private static readonly StatusCode[] Refusals =
        [StatusCode.FailedPrecondition, StatusCode.InvalidArgument, StatusCode.Unauthenticated, StatusCode.PermissionDenied];

    private bool _refused;

    /// <summary>2 when the coordinator refused the worker, 1 when the connection failed unexpectedly (the host logged it); else null.</summary>
    public int? ExitCode => _refused ? 2 : ExecuteTask is { IsFaulted: true } ? 1 : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var channel = GrpcChannel.ForAddress($"http://{options.Coordinator}");
        var client = new ClusterService.ClusterServiceClient(channel);
        var headers = new Metadata();
        if (options.Token is { } token)
            headers.Add("Authorization", $"Bearer {token}");
        var backoff = new RegistrationBackoff();
        try
        {
            await Started(stoppingToken).ConfigureAwait(false); // the data port is known from then on
            while (!stoppingToken.IsCancellationRequested)
            {
                RegisterWorkerResponse registration;
                try
                {
                    registration = await client.RegisterWorkerAsync(identity.Request(), headers,
                        deadline: time.GetUtcNow().UtcDateTime.AddSeconds(10), cancellationToken: stoppingToken).ConfigureAwait(false);
                }
                catch (RpcException error) when (Refusals.Contains(error.StatusCode))
                {
                    logger.Refused(options.Coordinator, error.StatusCode == StatusCode.Unauthenticated
                        ? $"{error.Status.Detail} (this worker {(options.Token is null ? "has no PYSTREAM_TOKEN" : "sent another PYSTREAM_TOKEN")}: set the cluster's)"
                        : error.Status.Detail);
                    _refused = true;
                    lifetime.StopApplication();
                    return;
                }
                catch (RpcException error) when (error.StatusCode != StatusCode.Cancelled || !stoppingToken.IsCancellationRequested)
                {
                    var delay = backoff.Next();
                    logger.CannotRegister(options.Coordinator, Describe(error), delay.TotalMilliseconds, backoff.Failures);
                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                backoff.Reset();
                logger.Registered(options.Coordinator, registration.WorkerId, options.Slots, registration.HeartbeatIntervalMs, registration.HeartbeatTimeoutMs);
                string reason;
                using (var registered = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    // Deployments come on a stream of their own, open while the heartbeats are answered.
                    var deployments = shares.RunAsync(client, headers, registration.WorkerId, registered.Token);
                    reason = await BeatAsync(client, headers, registration, stoppingToken).ConfigureAwait(false);
                    await registered.CancelAsync().ConfigureAwait(false);
                    await deployments.ConfigureAwait(false);
                }

                if (!stoppingToken.IsCancellationRequested)
                    logger.LostCoordinator(options.Coordinator, reason);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task Started(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
    }

    /// <summary>Beats until the coordinator stops answering; returns why it stopped.</summary>
    private async Task<string> BeatAsync(ClusterService.ClusterServiceClient client, Metadata headers, RegisterWorkerResponse registration,
        CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(registration.HeartbeatIntervalMs);
        var timeout = TimeSpan.FromMilliseconds(registration.HeartbeatTimeoutMs);
        using var call = client.Heartbeat(headers);
        try
        {
            while (true)
            {
                await call.RequestStream.WriteAsync(new WorkerHeartbeat { WorkerId = registration.WorkerId, FreeMemoryBytes = WorkerIdentity.FreeMemoryBytes() },
                    stoppingToken).ConfigureAwait(false);
                using (var answer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
                {
                    answer.CancelAfter(timeout);
                    try
                    {
                        if (!await call.ResponseStream.MoveNext(answer.Token).ConfigureAwait(false))
                            return "it closed the heartbeat stream";
                    }
                    catch (Exception error) when (error is RpcException or OperationCanceledException && !stoppingToken.IsCancellationRequested)
                    {
                        return error is RpcException rpc && rpc.StatusCode != StatusCode.Cancelled
                            ? Describe(rpc)
                            : $"no heartbeat answer within {timeout.TotalMilliseconds:F0} ms (heartbeat.timeout)";
                    }
                }

                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // A worker that stops says so by closing its stream: the coordinator removes it at once.
            await CloseQuietly(call).ConfigureAwait(false);
            throw;
        }
        catch (RpcException error) when (!stoppingToken.IsCancellationRequested)
        {
            return Describe(error);
        }
        catch (InvalidOperationException) when (!stoppingToken.IsCancellationRequested)
        {
            return "it ended the heartbeat stream"; // between two beats: the next one found the call complete
        }
        catch (Exception error) when (error is HttpRequestException or IOException && !stoppingToken.IsCancellationRequested)
        {
            return $"the connection broke ({error.Message})"; // a beat written as the coordinator went away
        }
    }

    private static async Task CloseQuietly(AsyncDuplexStreamingCall<WorkerHeartbeat, CoordinatorHeartbeat> call)
    {
        try
        {
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception error) when (error is RpcException or InvalidOperationException or IOException or HttpRequestException)
        {
            // the coordinator is gone already
        }
    }

    private static string Describe(RpcException error) => error.StatusCode switch
    {
        StatusCode.Unimplemented => "it has no cluster service: start the gateway with --cluster",
        StatusCode.NotFound => error.Status.Detail,
        _ when error.Status.DebugException is { } cause => $"{error.StatusCode}: {cause.Message}",
        _ => $"{error.StatusCode}: {error.Status.Detail}",
    };
}
