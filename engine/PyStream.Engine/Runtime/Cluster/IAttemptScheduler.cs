using PyStream.Engine.Graph;

namespace PyStream.Engine.Runtime.Cluster;

/// <summary>
/// The coordinator's side of a cluster (the gateway implements it): runs an attempt's subtasks in the
/// workers' slots instead of in this process. The job's status, failures and restarts stay with
/// <see cref="JobExecution"/>, which sees the attempt as one run.
/// </summary>
public interface IAttemptScheduler
{
    /// <summary>
    /// Waits for slots, places and deploys <paramref name="attempt"/>; calls <paramref name="ended"/> once, when every
    /// worker's share ended: with null when all finished, with the failure otherwise (a share's, a lost worker, no slots).
    /// The workers' printed output and collected results go to the attempt's environment before that.
    /// </summary>
    IScheduledAttempt Schedule(ClusterAttempt attempt, Action<Exception?> ended);
}

/// <summary>An attempt the scheduler deployed, or is waiting to deploy.</summary>
public interface IScheduledAttempt
{
    /// <summary>Why it is not running yet (e.g. waiting for slots); null once deployed.</summary>
    string? Waiting { get; }

    /// <summary>Which worker runs each subtask, by (vertex, subtask), once placed.</summary>
    IReadOnlyDictionary<(int Vertex, int Subtask), SubtaskLocation> Placement { get; }

    /// <summary>Cancels every share; <c>ended</c> follows once they stopped.</summary>
    void Cancel();
}

/// <summary>One attempt of a job as the coordinator hands it to the scheduler.</summary>
public sealed record ClusterAttempt(string JobId, string AttemptId, int Attempt, JobGraph Graph, JobEnvironment Environment,
    IReadOnlyDictionary<string, string> Configuration);
