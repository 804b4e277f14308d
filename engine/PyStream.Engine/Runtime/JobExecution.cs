using PyStream.Engine.Graph;
using PyStream.Engine.Runtime.Partitioning;
using PyStream.Engine.Spec;
using PyStream.Engine.Time;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime;

/// <summary>
/// One run of a job: every subtask of every chain on its own thread, connected by bounded
/// gates. The first task failure cancels the others and fails the job.
/// </summary>
public sealed class JobExecution
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<Thread> _threads = [];
    private readonly IPythonJob? _python;
    private readonly object _lock = new();
    private Exception? _failure;
    private bool _finishRequested;
    private bool _cancelRequested;
    private int _running;

    private JobExecution(JobGraph graph, JobEnvironment environment)
    {
        Graph = graph;
        JobId = Guid.NewGuid().ToString("N");
        _python = environment.Python?.LoadJob(graph.Spec);
        try
        {
            CreateTasks(environment);
        }
        catch
        {
            _python?.Dispose();
            throw;
        }
    }

    public string JobId { get; }

    public JobGraph Graph { get; }

    public string Name => Graph.Spec.Name;

    public JobStatus Status { get; private set; } = JobStatus.Created;

    /// <summary>Builds the job and starts every task.</summary>
    public static JobExecution Start(JobSpec spec, JobEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(environment);
        var execution = new JobExecution(JobGraphBuilder.Build(spec), environment);
        execution.Status = JobStatus.Running;
        execution._running = execution._threads.Count;
        foreach (var thread in execution._threads)
            thread.Start();
        if (execution._threads.Count == 0)
            execution.Status = JobStatus.Finished;
        return execution;
    }

    /// <summary>Runs a job to its end; throws <see cref="JobExecutionException"/> when it fails.</summary>
    public static JobExecution Run(JobSpec spec, JobEnvironment environment)
    {
        var execution = Start(spec, environment);
        execution.Wait();
        return execution;
    }

    public void Cancel()
    {
        lock (_lock)
            _cancelRequested = true;
        _cancellation.Cancel();
    }

    /// <summary>Waits for every task; throws <see cref="JobExecutionException"/> when the job failed.</summary>
    public void Wait()
    {
        foreach (var thread in _threads)
            thread.Join();
        if (Status == JobStatus.Failed)
            throw new JobExecutionException(Name, _failure!);
    }

    public bool Wait(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var thread in _threads)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !thread.Join(left))
                return false;
        }

        Wait();
        return true;
    }

    private void CreateTasks(JobEnvironment environment)
    {
        var graph = Graph;
        var stateBackend = State.StateBackends.Choose(environment.StateBackends, graph.Spec.Configuration);
        var gates = new Dictionary<(OperatorChain Chain, int Subtask), InputGate>();
        var channels = new Dictionary<(StreamEdge Edge, int Producer, int Consumer), int>();

        foreach (var chain in graph.Chains)
        {
            if (chain.Head.IsSource)
                continue;
            for (var s = 0; s < chain.Parallelism; s++)
            {
                var channelInputs = new List<int>();
                foreach (var edge in chain.NetworkInputs)
                {
                    foreach (var producer in ProducersOf(edge, s))
                    {
                        channels[(edge, producer, s)] = channelInputs.Count;
                        channelInputs.Add(edge.TargetInput);
                    }
                }

                gates[(chain, s)] = new InputGate([.. channelInputs], Math.Max(8, 2 * channelInputs.Count));
            }
        }

        var chainOf = graph.Chains.SelectMany(c => c.Nodes.Select(n => (n, c))).ToDictionary(x => x.n, x => x.c);
        foreach (var chain in graph.Chains)
        {
            for (var s = 0; s < chain.Parallelism; s++)
            {
                var subtask = s;
                IBatchConsumer NetworkOutput(StreamEdge edge)
                {
                    var consumers = ConsumersOf(edge, subtask);
                    var targets = consumers.Select(c => (gates[(chainOf[edge.Target], c)], channels[(edge, subtask, c)])).ToArray();
                    var router = new BatchRouter(edge.Partitioning, targets.Length, graph.MaxParallelism, environment.Python, subtask % targets.Length);
                    return new EdgeWriter(router, targets, _cancellation.Token);
                }

                var taskName = chain.Parallelism > 1 ? $"{chain.Name} ({s + 1}/{chain.Parallelism})" : chain.Name;
                var assembly = ChainAssembler.Assemble(graph, chain, s, NetworkOutput);
                var task = new StreamTask(taskName, assembly, chain.Head.IsSource ? null : gates[(chain, s)]);
                var info = new TaskInfo(chain.Name, s, chain.Parallelism, graph.MaxParallelism, AttemptNumber: 0);
                var context = new TaskContext(info, environment, _python, new ProcessingTimeService(environment.Time, task.Post), RequestFinish,
                    stateBackend.Create(JobId, info, graph.Spec.Configuration));
                _threads.Add(new Thread(() => RunTask(task, context)) { Name = taskName, IsBackground = true });
            }
        }
    }

    /// <summary>Producer subtasks that send to consumer subtask <paramref name="consumer"/> over <paramref name="edge"/>.</summary>
    private static IEnumerable<int> ProducersOf(StreamEdge edge, int consumer) =>
        Enumerable.Range(0, edge.Source.Parallelism).Where(p => ConsumersOf(edge, p).Contains(consumer));

    /// <summary>Consumer subtasks that producer subtask <paramref name="producer"/> sends to, as Flink's pointwise and all-to-all patterns connect them.</summary>
    private static int[] ConsumersOf(StreamEdge edge, int producer)
    {
        int pp = edge.Source.Parallelism, pc = edge.Target.Parallelism;
        return edge.Partitioning switch
        {
            Spec.Partitioning.Forward => [producer],
            Spec.Partitioning.Rescale when pp >= pc => [producer * pc / pp],
            Spec.Partitioning.Rescale => Enumerable.Range(producer * pc / pp, ((producer + 1) * pc / pp) - (producer * pc / pp)).ToArray(),
            _ => Enumerable.Range(0, pc).ToArray(),
        };
    }

    private void RunTask(StreamTask task, TaskContext context)
    {
        try
        {
            task.Run(context, _cancellation.Token);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            // Another task failed, the job was cancelled, or a collect limit ended it.
        }
        catch (Exception error)
        {
            lock (_lock)
                _failure ??= error;
            _cancellation.Cancel();
        }
        finally
        {
            if (Interlocked.Decrement(ref _running) == 0)
                Complete();
        }
    }

    private void Complete()
    {
        lock (_lock)
        {
            Status = _failure is not null ? JobStatus.Failed
                : _cancelRequested && !_finishRequested ? JobStatus.Canceled
                : JobStatus.Finished;
        }

        _python?.Dispose();
    }

    private void RequestFinish()
    {
        lock (_lock)
            _finishRequested = true;
        _cancellation.Cancel();
    }
}
