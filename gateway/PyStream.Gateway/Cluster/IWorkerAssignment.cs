namespace PyStream.Gateway.Cluster;

/// <summary>
/// Which of the connected workers an attempt may take slots of. Without one, any (a cluster's workers are
/// shared by its jobs); a gateway's local workers (<see cref="LocalWorkerPool"/>) give each attempt its own.
/// </summary>
public interface IWorkerAssignment
{
    /// <summary>
    /// The workers the attempt may use now, or null with the reason it must wait (its workers are starting).
    /// Throws <see cref="PyStream.Engine.PyStreamException"/> when they cannot be had (a worker that could not start).
    /// </summary>
    IReadOnlyList<RegisteredWorker>? WorkersFor(string attemptId, int slotsNeeded, IReadOnlyList<RegisteredWorker> connected, out string reason);

    /// <summary>
    /// The slots a job with the adaptive scheduler or reactive mode counts (<see cref="ClusterScheduler.SlotsFor(string, bool)"/>):
    /// its workers are started for it, so it cannot count the connected workers' free slots.
    /// </summary>
    int ElasticSlots { get; }

    /// <summary>The attempt is being cancelled: its shares were told to stop (one stuck in a Python function may not).</summary>
    void Cancelling(string attemptId);

    /// <summary>The attempt ended and gave its slots back.</summary>
    void Released(string attemptId);
}
