using Google.Protobuf;
using PyStream.Engine.Runtime;
using PyStream.Gateway.Protocol;

namespace PyStream.Gateway.Jobs;

/// <summary>A job the gateway started: its execution, its own output and results, and its event log.</summary>
public sealed class JobRecord
{
    private int _finalSent;

    internal JobRecord(JobExecution execution, JobEnvironment environment, JobEventLog events)
    {
        Execution = execution;
        Environment = environment;
        Events = events;
    }

    public JobExecution Execution { get; }

    public JobEnvironment Environment { get; }

    public JobEventLog Events { get; }

    public string Id => Execution.JobId;

    public static string StatusName(JobStatus status) => status.ToString().ToUpperInvariant();

    public JobInfo Info()
    {
        var execution = Execution;
        return new JobInfo
        {
            JobId = execution.JobId,
            Name = execution.Name,
            Status = StatusName(execution.Status),
            StartTimeMs = execution.StartTime.ToUnixTimeMilliseconds(),
            EndTimeMs = execution.EndTime?.ToUnixTimeMilliseconds() ?? 0,
        };
    }

    /// <summary>Why the job failed, as the client shows it; null unless it failed.</summary>
    public Failure? Failure() =>
        Execution.Status == JobStatus.Failed && Execution.Failures is [.., var last]
            ? new Failure { Message = last.Message, UserTraceback = last.UserTraceback ?? "", Detail = last.Error.ToString() }
            : null;

    /// <summary>Sends what the job's collect sinks receive into its log; call before the job starts.</summary>
    internal static void ForwardResults(CollectedResults results, JobEventLog events) =>
        results.Added += collectId =>
        {
            foreach (var batch in results.Drain(collectId))
                events.Append(new JobEvent { Results = new CollectedBatch { CollectId = collectId, Data = ByteString.CopyFrom(batch.Data) } });
        };

    /// <summary>Starts following the job's status; called once, right after the job started.</summary>
    internal void Watch()
    {
        Execution.StatusChanged += (_, _) => OnStatus();
        OnStatus(); // it may have changed before the handler was in place
    }

    private void OnStatus()
    {
        var info = Info();
        if (!Execution.HasEnded)
        {
            Events.Append(new JobEvent { Status = info });
            return;
        }

        // Results a sink added before its task ended are in the log: the final status comes last.
        if (Interlocked.Exchange(ref _finalSent, 1) == 0)
            Events.Append(new JobEvent { Status = info, Failure = Failure() }, final: true);
    }
}
