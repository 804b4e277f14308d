using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Graph;
using PyStream.Engine.Runtime.Cluster;
using PyStream.Engine.Runtime.Partitioning;
using PyStream.Engine.Telemetry;
using PyStream.Engine.Time;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime;

/// <summary>
/// One run (attempt) of a job: every subtask of every chain on its own thread, connected by
/// bounded gates, restored from a checkpoint when given one. The first task failure cancels
/// the others and ends the run as failed.
/// </summary>
internal sealed class JobRun : ICheckpointedRun
{
    private readonly JobExecution _job;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<(StreamTask Task, TaskContext Context, TaskRestore? Restore)> _tasks = [];
    private readonly List<Thread> _threads = [];
    // In a cluster attempt: the channels from producers on other workers into this process's gates.
    private readonly List<Func<CancellationToken, Task>> _remoteInputs = [];
    private readonly JobEnvironment _environment;
    private readonly ClusterAttempt? _remote;
    // A coordinator's run: the subtasks on the workers, as its checkpoint coordinator sees them.
    private readonly IReadOnlyList<RemoteTask> _remoteTasks = [];
    // A worker's share: where its tasks' snapshots and acknowledgements go (the coordinator's checkpoints).
    private readonly ShareCheckpoints? _shareCheckpoints;
    // Per task (chain index, subtask): what its sinks commit once their last output is safe.
    private readonly Dictionary<(int ChainIndex, int Subtask), List<Action>> _finalCommits = [];
    private readonly HashSet<StreamTask> _doneSinkTasks = [];
    private readonly IPythonJob? _python;
    private readonly object _lock = new();
    private Exception? _failure;
    private TaskInfo? _failedTask;
    private bool _stopped;
    private int _running;
    private int _sinkTasks;
    private readonly Activity? _span;

    public JobRun(JobExecution job, JobGraph graph, JobEnvironment environment, IReadOnlyDictionary<string, string> configuration, RestoredCheckpoint? restore, int attempt)
    {
        _job = job;
        _environment = environment;
        InitialRestore = restore;
        Log = environment.LoggerFactory.CreateLogger<CheckpointCoordinator>();
        _span = EngineTelemetry.Activities.StartActivity("job run", ActivityKind.Internal, job.TraceContext)
            ?.SetTag("pystream.job", graph.Spec.Name).SetTag("pystream.attempt", attempt);
        restore?.CheckCompatible(graph.Nodes.Select(n => n.StateKey).ToHashSet(StringComparer.Ordinal), graph.MaxParallelism, job.Checkpointing.AllowNonRestoredState);
        if (environment.Cluster is not null && job.Deployment is null)
        {
            // A coordinator's run: the workers run the subtasks and the job's Python; nothing runs here but the checkpoint coordinator.
            _remoteTasks = [.. graph.Chains.SelectMany(c => Enumerable.Range(0, c.Parallelism).Select(i =>
                new RemoteTask(c.Parallelism > 1 ? $"{c.Name} ({i + 1}/{c.Parallelism})" : c.Name, c.Index, i, c.Nodes.Any(n => n.IsSource),
                    isSink: !graph.Chains.Any(other => other.NetworkInputs.Any(e => c.Contains(e.Source))))))];
            Coordinator = job.CreateCoordinator(this);
            _remote = new ClusterAttempt(job.JobId, Guid.NewGuid().ToString("N"), attempt, graph, environment, configuration)
            {
                RestorePath = restore?.Directory,
                FinishedDirectory = Coordinator?.FinishedDirectory,
                Checkpoints = Coordinator is null ? null : new AttemptCheckpointReports(Coordinator, _remoteTasks, StopWhenSinksEnded),
                Elastic = job.Elastic,
                DesiredSlots = job.DesiredSlots,
            };
            return;
        }

        if (job.Deployment is { Checkpoints: { } reports } deployed && !graph.IsBatch)
        {
            _shareCheckpoints = new ShareCheckpoints(reports, Path.Combine(job.CheckpointJobDirectory, "shared"),
                deployed.FinishedDirectory ?? Path.Combine(job.CheckpointJobDirectory, "finished-" + deployed.AttemptId), job.Checkpointing.Timeout, _cancellation.Token);
        }

        _python = environment.Python?.LoadJob(graph.Spec);
        try
        {
            Coordinator = job.CreateCoordinator(this);
            using (var restoring = restore is null ? null : EngineTelemetry.Activities.StartActivity("restore", ActivityKind.Internal, TraceContext)
                       ?.SetTag("pystream.checkpoint.id", restore.CheckpointId).SetTag("pystream.checkpoint.directory", restore.Directory))
                CreateTasks(graph, environment, configuration, restore, attempt);
            Tasks = _tasks.Select(t => t.Task).ToList();
        }
        catch (Exception error)
        {
            _span?.SetStatus(ActivityStatusCode.Error, error.Message).Dispose();
            Coordinator?.Dispose();
            foreach (var (_, context, _) in _tasks)
                context.State.Dispose();
            _python?.Dispose();
            throw;
        }
    }

    /// <summary>This run's span: checkpoints and the restore are its children.</summary>
    public ActivityContext TraceContext => _span?.Context ?? default;

    /// <summary>The checkpoint this run started from; a restart without newer checkpoints starts from it again.</summary>
    public RestoredCheckpoint? InitialRestore { get; }

    public CheckpointCoordinator? Coordinator { get; }

    public bool FinishRequested { get; private set; }

    public ILogger Log { get; }

    public IReadOnlyList<StreamTask> Tasks { get; private set; } = [];

    IReadOnlyList<ICheckpointedTask> ICheckpointedRun.Tasks => _remote is null ? Tasks : _remoteTasks;

    public bool AllTasksRunning => _remote is null
        ? _tasks.Count > 0 && Volatile.Read(ref _running) == _tasks.Count
        : Scheduled is { Running: true } && _remoteTasks.All(t => !t.Ended);

    public bool AnySourceRunning => _remote is null
        ? _tasks.Count > 0 && _tasks.Any(t => t.Task.IsSource && !t.Task.Ended)
        : Scheduled is { Running: true } && _remoteTasks.Any(t => t.IsSource && !t.Ended);

    /// <summary>Where tasks' snapshots go: this run's checkpoint coordinator, or on a worker the coordinator's.</summary>
    private ICheckpointAcknowledger? Acknowledger => (ICheckpointAcknowledger?)Coordinator ?? _shareCheckpoints;

    public void TriggerSources(CheckpointBarrier barrier, string directory)
    {
        if (_remote is not null)
        {
            Scheduled?.TriggerCheckpoint(barrier, directory);
            return;
        }

        _shareCheckpoints?.Announce(barrier.Id, directory);
        foreach (var (task, _, _) in _tasks.Where(t => t.Task.IsSource))
            task.TriggerCheckpoint(barrier);
    }

    public void NotifyCheckpointComplete(long checkpointId, bool stop)
    {
        if (_remote is not null)
        {
            Scheduled?.NotifyCheckpointComplete(checkpointId, stop);
            return;
        }

        if (stop)
        {
            lock (_lock)
                _stopped = true; // a worker's share: the coordinator took the stop-with-savepoint
        }

        foreach (var (task, _, _) in _tasks)
            task.NotifyCheckpointComplete(checkpointId, stop);
    }

    /// <summary>
    /// A coordinator's run after a stop-with-savepoint: once every sink subtask on the workers committed and
    /// stopped, the shares are cancelled (as one process cancels its tasks then), and the run ends as stopped.
    /// </summary>
    private void StopWhenSinksEnded()
    {
        lock (_lock)
        {
            if (!_stopped || _remoteTasks.Any(t => t.IsSink && !t.Ended))
                return;
        }

        Scheduled?.Cancel();
    }

    /// <summary>On a cluster's coordinator: the attempt the workers run (where, or why it waits); null elsewhere.</summary>
    public IScheduledAttempt? Scheduled { get; private set; }

    public void Start()
    {
        if (_remote is not null)
        {
            _running = 1;
            Scheduled = _environment.Cluster!.Schedule(_remote, RemoteEnded);
            if (_cancellation.IsCancellationRequested)
                Scheduled.Cancel();
            Coordinator?.Start();
            return;
        }

        _running = _threads.Count;
        foreach (var thread in _threads)
            thread.Start();
        foreach (var read in _remoteInputs)
            _ = ReadRemoteInputAsync(read);
        Coordinator?.Start();
        if (_threads.Count == 0)
            Ended();
    }

    public void Cancel()
    {
        _cancellation.Cancel();
        Scheduled?.Cancel();
    }

    private void RemoteEnded(Exception? failure)
    {
        if (failure is not null)
        {
            lock (_lock)
            {
                _failure ??= failure;
                if (failure is UserFunctionException { RemoteTask: { } task })
                    _failedTask ??= task; // so REST's exceptions name it as for a task of this process
            }
        }

        if (Interlocked.Exchange(ref _running, 0) == 1)
            Ended();
    }

    /// <summary>A channel from another worker that breaks fails the attempt, as a failed task does.</summary>
    private async Task ReadRemoteInputAsync(Func<CancellationToken, Task> read)
    {
        try
        {
            await read(_cancellation.Token).ConfigureAwait(false);
        }
        catch (Exception) when (_cancellation.IsCancellationRequested)
        {
            // The attempt ends anyway; the channel broke because it does.
        }
        catch (Exception error)
        {
            Fail(error);
            _job.OnTaskFailed(this);
        }
    }

    /// <summary>The subtask whose failure ended this run; null when none did (or the run failed for another reason).</summary>
    public TaskInfo? FailedTask
    {
        get
        {
            lock (_lock)
                return _failedTask;
        }
    }

    public void Fail(Exception reason)
    {
        lock (_lock)
            _failure ??= reason;
        Cancel();
    }

    public void StopAfterSavepoint()
    {
        lock (_lock)
            _stopped = true;
        if (_remote is not null)
            StopWhenSinksEnded();
        else
            SinkTaskDone(null);
    }

    public void ResumeSources()
    {
        Scheduled?.ResumeSources();
        foreach (var (task, _, _) in _tasks.Where(t => t.Task.IsSource))
            task.ResumeSource();
    }

    /// <summary>
    /// A task that ends in sinks (no network outputs) committed after a stop-with-savepoint, or
    /// ended. Once all have, after a stop, the rest are cancelled: one blocked writing into a
    /// stopped task (timers may still emit) would otherwise never end.
    /// </summary>
    private void SinkTaskDone(StreamTask? task)
    {
        lock (_lock)
        {
            if (task is not null && task.Outputs.Count == 0)
                _doneSinkTasks.Add(task);
            // A worker's share waits for the coordinator, which cancels it once every share's sinks committed.
            if (!_stopped || _doneSinkTasks.Count < _sinkTasks || _job.Deployment is not null)
                return;
        }

        _cancellation.Cancel();
    }

    /// <summary>Sinks' last commits (output after the last checkpoint), run when the job finished.</summary>
    public void RunFinalCommits()
    {
        List<Action> commits;
        lock (_finalCommits)
        {
            commits = _finalCommits.Values.SelectMany(c => c).ToList();
            _finalCommits.Clear();
        }

        foreach (var commit in commits)
            commit();
    }

    /// <summary>Deploys the execution graph: one task per subtask, its input gate, its network outputs, its state.</summary>
    private void CreateTasks(JobGraph graph, JobEnvironment environment, IReadOnlyDictionary<string, string> configuration, RestoredCheckpoint? restore, int attempt)
    {
        var stateBackend = Checkpointing.StateBackends.Choose(environment.StateBackends, configuration);
        var deployment = _job.Deployment;
        var execution = deployment is null ? ExecutionGraph.Build(graph) : ExecutionGraph.Build(graph, v => deployment.LocationOf(v.JobVertex.Chain.Index, v.SubtaskIndex));
        var hosted = deployment is null ? execution.Subtasks.ToList() : execution.Subtasks.Where(deployment.Hosts).ToList();
        var gates = hosted.Where(v => v.InputChannels.Count > 0).ToDictionary(
            v => v, v => new InputGate([.. v.InputChannels.Select(c => c.Edge.TargetInput)], Math.Max(8, 2 * v.InputChannels.Count), _job.DebloatTarget));
        var checkpointing = _job.Checkpointing;
        var bufferTimeout = _job.BufferTimeout;
        var attemptId = deployment?.AttemptId ?? Guid.NewGuid().ToString();
        if (deployment is not null)
            ConnectRemoteInputs(deployment, gates);

        foreach (var vertex in hosted)
        {
            var chain = vertex.JobVertex.Chain;
            var subtask = vertex.SubtaskIndex;
            var operatorKeys = chain.Nodes.Select(n => n.StateKey).ToList();
            var outputs = new List<EdgeWriter>();
            var tags = EngineTelemetry.TaskTags(graph.Spec.Name, _job.JobId, chain.Index, chain.Name, subtask);
            IBatchConsumer NetworkOutput(StreamEdge edge)
            {
                var targets = deployment is null
                    ? vertex.OutputsOf(edge).Select(c => ((IChannelTarget)gates[c.Consumer], c.Index)).ToArray()
                    : vertex.OutputsOf(edge).Select((c, i) => (gates.TryGetValue(c.Consumer, out var gate) ? gate
                        : environment.Network!.Output(deployment.PartitionOf(edge, vertex), i, environment.Python as IPythonBatchWire), c.Index)).ToArray();
                var router = new BatchRouter(edge.Partitioning, targets.Length, graph.MaxParallelism, environment.Python, subtask % targets.Length);
                var writer = new EdgeWriter(router, targets, _cancellation.Token, tags, bufferTimeout, environment.Time, environment.Python);
                outputs.Add(writer);
                return writer;
            }

            var assembly = ChainAssembler.Assemble(graph, chain, subtask, environment, NetworkOutput);
            if (assembly.Source is { } source && outputs.Count > 0)
                source.OutputLimit = () => outputs.Min(o => o.BatchLimit);
            var info = new TaskInfo(chain.Name, subtask, chain.Parallelism, graph.MaxParallelism, attempt) { Vertex = chain.Index };
            var taskRestore = restore?.ForTask(operatorKeys, subtask, chain.Parallelism, graph.MaxParallelism);
            var state = stateBackend.Create(_job.JobId, info, configuration, taskRestore);
            StreamTask? task = null;
            var timers = new ProcessingTimeService(environment.Time, action => task!.Post(action));
            var context = new TaskContext(info, environment, _python, timers, RequestFinish, state,
                checkpointing: checkpointing.Interval is not null, attemptId: attemptId, onJobFinished: commit => OnJobFinished(chain.Index, subtask, commit))
            {
                TelemetryTags = tags,
                Cancellation = _cancellation.Token,
                PythonMaxRecordsPerCall = _job.PythonMaxRecordsPerCall,
            };
            var snapshotter = Acknowledger is not { } acknowledger ? null : new TaskSnapshotter(context, operatorKeys, chain.Index, checkpointing.Incremental, acknowledger,
                finalState: checkpointing.Interval is not null);
            task = new StreamTask(vertex.Name, assembly, gates.GetValueOrDefault(vertex), outputs, snapshotter, checkpointing.Mode,
                onStopped: () => SinkTaskDone(task!), chainIndex: chain.Index, subtaskIndex: subtask, time: environment.Time);
            if (outputs.Count == 0)
                _sinkTasks++;
            _tasks.Add((task, context, taskRestore));
            var entry = _tasks[^1];
            _threads.Add(new Thread(() => RunTask(entry.Task, entry.Context, entry.Restore)) { Name = vertex.Name, IsBackground = true });
        }
    }

    /// <summary>Each input channel whose producer runs on another worker reads that producer's subpartition into the consumer's gate.</summary>
    private void ConnectRemoteInputs(AttemptDeployment deployment, Dictionary<ExecutionVertex, InputGate> gates)
    {
        var network = _environment.Network!;
        var wire = _environment.Python as IPythonBatchWire;
        foreach (var (consumer, gate) in gates)
        {
            foreach (var channel in consumer.InputChannels.Where(c => !deployment.Hosts(c.Producer)))
            {
                var producer = deployment.AddressOf(channel.Producer);
                var partition = deployment.PartitionOf(channel.Edge, channel.Producer);
                var subpartition = IndexOf(channel.Producer.OutputsOf(channel.Edge), channel);
                var index = channel.Index;
                _remoteInputs.Add(cancellation => network.ReadAsync(producer, partition, subpartition, gate, index, wire, cancellation));
            }
        }
    }

    private static int IndexOf(IReadOnlyList<ExecutionChannel> channels, ExecutionChannel channel)
    {
        for (var i = 0; i < channels.Count; i++)
        {
            if (ReferenceEquals(channels[i], channel))
                return i;
        }

        throw new InvalidOperationException($"{channel} is not among its producer's outputs");
    }

    private void OnJobFinished(int chainIndex, int subtask, Action commit)
    {
        lock (_finalCommits)
        {
            if (!_finalCommits.TryGetValue((chainIndex, subtask), out var commits))
                _finalCommits[(chainIndex, subtask)] = commits = [];
            commits.Add(commit);
        }
    }

    public void CommitFinished(int chainIndex, int subtask)
    {
        if (_remote is not null)
        {
            Scheduled?.CommitFinished(chainIndex, subtask);
            return;
        }

        List<Action>? commits;
        lock (_finalCommits)
        {
            if (_finalCommits.Remove((chainIndex, subtask), out commits) is false)
                return;
        }

        // This runs on whichever task completed the checkpoint: a failing commit (a sink's
        // broker refusing it) fails the job, not that unrelated task.
        try
        {
            foreach (var commit in commits!)
                commit();
        }
        catch (PyStreamException error)
        {
            Fail(error);
        }
    }

    private void RunTask(StreamTask task, TaskContext context, TaskRestore? restore)
    {
        var ending = "finished";
        using var output = TaskOutput.Use(context.Environment.Stdout);
        try
        {
            task.Run(context, restore, _cancellation.Token);
        }
        catch (Exception) when (_cancellation.IsCancellationRequested)
        {
            // Another task failed, the job was cancelled, or a collect limit ended it: what this
            // task raised while winding down (an interrupted Python call) is not the job's failure.
            ending = "was cancelled";
        }
        catch (Exception error)
        {
            ending = $"failed ({Summary(error)})";
            lock (_lock)
            {
                if (_failure is null)
                    _failedTask = context.Info;
                _failure ??= error;
            }

            _cancellation.Cancel();
            _job.OnTaskFailed(this);
        }
        finally
        {
            // Before the count drops: the last task's Ended() must see every checkpoint this one completes.
            Acknowledger?.OnTaskEnded(task, ending);
            SinkTaskDone(task);
            if (Interlocked.Decrement(ref _running) == 0)
                Ended();
        }
    }

    /// <summary>One line of what went wrong: a user function's exception line, or the message's first line.</summary>
    private static string Summary(Exception error)
    {
        var text = error is UserFunctionException user ? user.UserTraceback : error.Message;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? error.GetType().Name : error is UserFunctionException ? lines[^1] : lines[0];
    }

    private void Ended()
    {
        bool holding;
        lock (_lock)
            holding = _stopped && _job.Deployment is not null && !_cancellation.IsCancellationRequested;
        // A worker's share stopped with a savepoint keeps its channels until the coordinator cancels it: releasing
        // them now would fail a consumer on another worker that has not committed yet.
        if (holding)
            _cancellation.Token.Register(EndRun);
        else
            EndRun();
    }

    private void EndRun()
    {
        Coordinator?.Dispose();
        _python?.Dispose();
        // A share that ended early breaks its channels, so the consumers on other workers fail too; one that
        // finished leaves them to be read to their end of partition.
        if (_job.Deployment is { } deployment && _cancellation.IsCancellationRequested)
            _environment.Network?.Release(deployment.AttemptId);
        Exception? failure;
        bool stopped;
        lock (_lock)
        {
            failure = _failure;
            stopped = _stopped;
        }

        _span?.SetStatus(failure is null ? ActivityStatusCode.Ok : ActivityStatusCode.Error, failure?.Message).Dispose();
        _job.OnRunEnded(this, failure, stopped);
    }

    private void RequestFinish()
    {
        FinishRequested = true;
        _cancellation.Cancel();
    }
}
