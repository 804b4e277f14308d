using PyStream.Engine.Settings;
using PyStream.Engine.State;
using PyStream.Engine.Time;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime;

/// <summary>What the operators of one subtask share: identity, clock, state, timers.</summary>
public sealed class TaskContext
{
    private readonly Action<Action>? _onJobFinished;

    internal TaskContext(TaskInfo info, JobEnvironment environment, IPythonJob? python, ProcessingTimeService timers, Action requestJobFinish,
        IKeyedStateStore? state = null, bool checkpointing = false, string? attemptId = null, Action<Action>? onJobFinished = null)
    {
        State = state ?? new HeapKeyedStateStore();
        Info = info;
        Environment = environment;
        Python = python;
        Timers = timers;
        RequestJobFinish = requestJobFinish;
        CheckpointingEnabled = checkpointing;
        AttemptId = attemptId ?? Guid.NewGuid().ToString();
        _onJobFinished = onJobFinished;
    }

    public TaskInfo Info { get; }

    /// <summary>Set when the job is cancelled or another subtask failed: long work checks it between steps.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>The most records one Python call gets (<c>python.fn-execution.bundle.size</c>).</summary>
    public int PythonMaxRecordsPerCall { get; init; } = PythonCalls.DefaultMaxRecords;

    /// <summary>The job, task and subtask tags of this subtask's metrics.</summary>
    public System.Diagnostics.TagList TelemetryTags { get; init; }

    /// <summary>The metrics the subtask's user functions registered (made on first use, on the task's thread).</summary>
    public Telemetry.UserMetrics UserMetrics => _userMetrics ??= new Telemetry.UserMetrics(TelemetryTags);

    private Telemetry.UserMetrics? _userMetrics;

    public JobEnvironment Environment { get; }

    public TimeProvider Time => Environment.Time;

    public IPythonJob? Python { get; }

    public IKeyedStateStore State { get; }

    /// <summary>The TTLs user functions declared for <see cref="State"/>'s states.</summary>
    public StateTtls StateTtls { get; } = new();

    public ProcessingTimeService Timers { get; }

    /// <summary>Ends the job as finished (not failed), e.g. when a collect limit is reached.</summary>
    public Action RequestJobFinish { get; }

    /// <summary>Periodic checkpoints are on: sinks hold their output back until a checkpoint commits it.</summary>
    public bool CheckpointingEnabled { get; }

    /// <summary>Identifies this run of the job (a restart is a new attempt); the same in every task.</summary>
    public string AttemptId { get; }

    /// <summary>Runs <paramref name="commit"/> once every task has finished and the job succeeded (the final commit).</summary>
    public void OnJobFinished(Action commit)
    {
        if (_onJobFinished is null)
            commit();
        else
            _onJobFinished(commit);
    }
}
