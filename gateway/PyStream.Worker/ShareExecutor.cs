using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using PyStream.Cluster.Protocol;
using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Graph;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Cluster;
using PyStream.Engine.Spec;
using PyStream.Engine.Telemetry;
using PyStream.Engine.UserCode;

namespace PyStream.Worker;

/// <summary>
/// Runs the shares of attempts the coordinator deploys here (Flink's TaskExecutor): each as a
/// <see cref="JobExecution.StartPart"/> of this worker's subtasks, its print output, collected results and
/// state reported on the deployment stream, in that order, and its subtasks' metrics every second and once
/// more just before its end; and the uploaded scripts it sends (<see cref="UploadProcesses"/>). When the stream ends (the
/// coordinator is lost) every share is cancelled, its attempt over, and every script stopped.
/// </summary>
internal sealed class ShareExecutor(JobEnvironment environment, ShareFiles files, UploadProcesses uploads, TaskMeasurements measurements, TimeProvider time,
    ILogger<ShareExecutor> logger)
{
    /// <summary>How often a running share reports its metrics (the coordinator's REST views sample once a second too).</summary>
    internal static readonly TimeSpan MetricsInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, JobExecution> _shares = new(StringComparer.Ordinal);

    /// <summary>Serves the deployment stream of one registration until it ends; then cancels what still runs.</summary>
    public async Task RunAsync(ClusterService.ClusterServiceClient client, Metadata headers, string workerId, CancellationToken cancellation)
    {
        var reports = Channel.CreateUnbounded<WorkerReport>(new UnboundedChannelOptions { SingleReader = true });
        using var call = client.Deployments(headers, cancellationToken: cancellation);
        var sending = SendAsync(reports.Reader, call.RequestStream, cancellation);
        var metrics = new ShareMetricsReports(measurements, reports.Writer);
        using var metricsTimer = time.CreateTimer(_ => SendMetrics(metrics), null, MetricsInterval, MetricsInterval);
        try
        {
            reports.Writer.TryWrite(new WorkerReport { WorkerId = workerId });
            while (await call.ResponseStream.MoveNext(cancellation).ConfigureAwait(false))
            {
                var command = call.ResponseStream.Current;
                if (command.Deploy is { } share)
                    Deploy(share, workerId, reports.Writer, metrics);
                else if (command.RunUpload is { } upload)
                    uploads.Run(upload, reports.Writer);
                else if (command.CancelUpload is { } cancel)
                    uploads.Cancel(cancel.UploadId);
                else
                    OnCommand(command);
            }
        }
        catch (Exception error) when (error is RpcException or IOException or OperationCanceledException)
        {
            // The coordinator went away; the heartbeats tell the log why.
        }
        finally
        {
            if (!_shares.IsEmpty)
                logger.SharesCancelled(_shares.Count);
            foreach (var execution in _shares.Values)
                execution.Cancel();
            uploads.StopAll();
            reports.Writer.TryComplete();
            await sending.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    /// <summary>A command for a share that runs here; one for a share that ended meanwhile has nothing left to do.</summary>
    private void OnCommand(DeploymentCommand command)
    {
        var attemptId = command.CommandCase switch
        {
            DeploymentCommand.CommandOneofCase.Cancel => command.Cancel.AttemptId,
            DeploymentCommand.CommandOneofCase.TriggerCheckpoint => command.TriggerCheckpoint.AttemptId,
            DeploymentCommand.CommandOneofCase.CheckpointComplete => command.CheckpointComplete.AttemptId,
            DeploymentCommand.CommandOneofCase.CommitFinished => command.CommitFinished.AttemptId,
            DeploymentCommand.CommandOneofCase.ResumeSources => command.ResumeSources.AttemptId,
            _ => "",
        };
        if (!_shares.TryGetValue(attemptId, out var execution))
            return;
        switch (command.CommandCase)
        {
            case DeploymentCommand.CommandOneofCase.Cancel:
                execution.Cancel();
                break;
            case DeploymentCommand.CommandOneofCase.TriggerCheckpoint:
                var trigger = command.TriggerCheckpoint;
                var kind = trigger.Kind switch
                {
                    TriggerCheckpoint.Types.Kind.Savepoint => SnapshotKind.Savepoint,
                    TriggerCheckpoint.Types.Kind.StopSavepoint => SnapshotKind.StopSavepoint,
                    _ => SnapshotKind.Checkpoint,
                };
                execution.TriggerCheckpoint(new CheckpointBarrier(trigger.CheckpointId, trigger.Timestamp, kind, trigger.Drain), trigger.Directory);
                break;
            case DeploymentCommand.CommandOneofCase.CheckpointComplete:
                execution.NotifyCheckpointComplete(command.CheckpointComplete.CheckpointId, command.CheckpointComplete.Stop);
                break;
            case DeploymentCommand.CommandOneofCase.CommitFinished:
                execution.CommitFinished(command.CommitFinished.Vertex, command.CommitFinished.Subtask);
                break;
            case DeploymentCommand.CommandOneofCase.ResumeSources:
                execution.ResumeSources();
                break;
        }
    }

    private static async Task SendAsync(ChannelReader<WorkerReport> reports, IClientStreamWriter<WorkerReport> stream, CancellationToken cancellation)
    {
        await foreach (var report in reports.ReadAllAsync(cancellation).ConfigureAwait(false))
            await stream.WriteAsync(report, cancellation).ConfigureAwait(false);
    }

    private void SendMetrics(ShareMetricsReports metrics)
    {
        foreach (var (attemptId, execution) in _shares)
            metrics.Send(attemptId, execution.JobId);
    }

    private void Deploy(DeployShare share, string workerId, ChannelWriter<WorkerReport> reports, ShareMetricsReports metrics)
    {
        var attemptId = share.AttemptId;
        var stdout = new ShareOutputWriter(attemptId, stderr: false, reports);
        var stderr = new ShareOutputWriter(attemptId, stderr: true, reports);
        var results = new CollectedResults();
        results.Added += collectId =>
        {
            foreach (var batch in results.Drain(collectId))
                reports.TryWrite(new WorkerReport { Results = new ShareResults { AttemptId = attemptId, CollectId = collectId, Data = ByteString.CopyFrom(batch.Data), Count = batch.Count } });
        };
        void Report(ShareState state)
        {
            stdout.Flush();
            stderr.Flush();
            if (state.State != ShareState.Types.State.Running)
                metrics.Send(attemptId, share.JobId); // its last counts, before its end
            state.AttemptId = attemptId;
            reports.TryWrite(new WorkerReport { State = state });
        }

        try
        {
            var spec = JobSpec.Parser.ParseFrom(share.Spec);
            if (files.Unpack(share, spec) is { } directory)
                logger.ShareFilesWritten(attemptId, spec.Name, share.PythonRoots.Sum(r => r.Files.Count), directory);
            var deployment = new AttemptDeployment(attemptId, workerId,
                share.Placement.ToDictionary(p => (p.Vertex, p.Subtask), p => new SubtaskLocation(p.WorkerId, p.Slot)),
                share.DataAddresses.ToDictionary(a => a.Key, a => new Uri($"http://{a.Value}"), StringComparer.Ordinal))
            {
                Checkpoints = share.Checkpointing ? new ShareCheckpointReports(attemptId, reports, () => metrics.Send(attemptId, share.JobId)) : null,
                FinishedDirectory = share.FinishedDirectory.Length > 0 ? share.FinishedDirectory : null,
                RestorePath = share.RestorePath.Length > 0 ? share.RestorePath : null,
                AttemptNumber = share.AttemptNumber,
            };
            var execution = JobExecution.StartPart(spec, environment with { Stdout = stdout, Stderr = stderr, Results = results }, deployment, share.JobId,
                (execution, status) =>
                {
                    if (status == JobStatus.Running)
                        Report(new ShareState { State = ShareState.Types.State.Running });
                    else if (execution.HasEnded)
                        Ended(attemptId, execution, Report);
                });
            _shares[attemptId] = execution;
            if (execution.HasEnded)
                _shares.TryRemove(attemptId, out _);
            logger.ShareDeployed(attemptId, spec.Name, share.Placement.Count(p => p.WorkerId == workerId));
        }
        catch (Exception error) when (error is PyStreamException or InvalidProtocolBufferException or ArgumentException or UriFormatException
                                          or IOException or UnauthorizedAccessException)
        {
            files.Remove(attemptId, logger);
            Report(Failed(error));
        }
    }

    private void Ended(string attemptId, JobExecution execution, Action<ShareState> report)
    {
        _shares.TryRemove(attemptId, out _);
        files.Remove(attemptId, logger);
        report(execution.Status switch
        {
            JobStatus.Finished => new ShareState { State = ShareState.Types.State.Finished, FinishRequested = execution.FinishRequested },
            JobStatus.Failed when execution.Failures is [.., var last] => Failed(last.Error, last),
            _ => new ShareState { State = ShareState.Types.State.Canceled },
        });
        if (!_shares.Values.Any(other => other.JobId == execution.JobId))
            measurements.Forget(execution.JobId);
    }

    private static ShareState Failed(Exception error, JobFailure? failure = null)
    {
        var state = new ShareState
        {
            State = ShareState.Types.State.Failed,
            Message = error is UserFunctionException or PyStreamException ? error.Message : $"{error.GetType().FullName}: {error.Message}",
            UserTraceback = (error as UserFunctionException)?.UserTraceback ?? "",
            OperatorName = (error as UserFunctionException)?.OperatorName ?? "",
            TaskName = failure?.TaskName ?? "",
        };
        if (failure?.Task is { Vertex: { } vertex } task)
            (state.Vertex, state.Subtask) = (vertex, task.SubtaskIndex);
        return state;
    }
}
