using PyStream.Engine.State;
using PyStream.Engine.Time;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime;

/// <summary>What the operators of one subtask share: identity, clock, state, timers.</summary>
public sealed class TaskContext
{
    internal TaskContext(TaskInfo info, JobEnvironment environment, IPythonJob? python, ProcessingTimeService timers, Action requestJobFinish, IKeyedStateStore? state = null)
    {
        State = state ?? new HeapKeyedStateStore();
        Info = info;
        Environment = environment;
        Python = python;
        Timers = timers;
        RequestJobFinish = requestJobFinish;
    }

    public TaskInfo Info { get; }

    public JobEnvironment Environment { get; }

    public TimeProvider Time => Environment.Time;

    public IPythonJob? Python { get; }

    public IKeyedStateStore State { get; }

    public ProcessingTimeService Timers { get; }

    /// <summary>Ends the job as finished (not failed), e.g. when a collect limit is reached.</summary>
    public Action RequestJobFinish { get; }
}
