using PyStream.Engine.Checkpointing;
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

    /// <summary>
    /// The slots job <paramref name="jobId"/> could hold now (what it scales to with the adaptive scheduler or reactive
    /// mode): those it holds and the free ones of the workers that may run it, as its <paramref name="configuration"/> allows.
    /// </summary>
    int SlotsFor(string jobId, IReadOnlyDictionary<string, string> configuration);
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

    /// <summary>Deployed, and every share reported that it runs: checkpoints can be triggered.</summary>
    bool Running { get; }

    /// <summary>Completes once <see cref="Running"/> is first true, or when the attempt ended without running.</summary>
    Task RunningOrEnded { get; }

    /// <summary>Tells every worker of checkpoint <paramref name="barrier"/> and its directory; each triggers its source subtasks.</summary>
    void TriggerCheckpoint(CheckpointBarrier barrier, string directory);

    /// <summary>Tells every worker the checkpoint completed: their sinks commit (and stop, after a stop-with-savepoint).</summary>
    void NotifyCheckpointComplete(long checkpointId, bool stop);

    /// <summary>A finished subtask's final state is part of a completed checkpoint: its worker commits its last output.</summary>
    void CommitFinished(int vertex, int subtask);

    /// <summary>A stop-with-savepoint failed: the workers' halted sources carry on.</summary>
    void ResumeSources();
}

/// <summary>One attempt of a job as the coordinator hands it to the scheduler.</summary>
public sealed record ClusterAttempt(string JobId, string AttemptId, int Attempt, JobGraph Graph, JobEnvironment Environment,
    IReadOnlyDictionary<string, string> Configuration)
{
    /// <summary>The checkpoint or savepoint directory every share restores from; null: they start empty.</summary>
    public string? RestorePath { get; init; }

    /// <summary>Where the shares' tasks write their final state (see <see cref="AttemptDeployment.FinishedDirectory"/>).</summary>
    public string? FinishedDirectory { get; init; }

    /// <summary>Receives what the workers' tasks did with checkpoints; null when the job takes none.</summary>
    public ICheckpointReports? Checkpoints { get; init; }

    /// <summary>
    /// The job follows the slots (adaptive scheduler, reactive mode): the attempt ends with a <see cref="RescaleRequest"/>
    /// instead of waiting for the slots its graph needs, or when more slots let it grow; null: it keeps its parallelism.
    /// </summary>
    public ElasticScaling? Elastic { get; init; }

    /// <summary>With <see cref="Elastic"/>: the slots the job would take if there were enough (its desired parallelism).</summary>
    public int DesiredSlots { get; init; }
}
