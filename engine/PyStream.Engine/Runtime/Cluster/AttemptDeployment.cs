using PyStream.Engine.Graph;

namespace PyStream.Engine.Runtime.Cluster;

/// <summary>
/// One attempt of a job in a cluster, as one worker deploys its share of it: the attempt's id (shared
/// by every worker, it names the network partitions), where every subtask runs, which worker this
/// process is, and each worker's data address. The worker hosts only its own subtasks; channels to
/// the others go through <see cref="JobEnvironment.Network"/>.
/// </summary>
public sealed record AttemptDeployment(string AttemptId, string ThisWorker, IReadOnlyDictionary<(int Vertex, int Subtask), SubtaskLocation> Placement,
    IReadOnlyDictionary<string, Uri> WorkerAddresses)
{
    /// <summary>Where the share's tasks report what they did with the coordinator's checkpoints; null: the job takes none.</summary>
    public ICheckpointReports? Checkpoints { get; init; }

    /// <summary>Where finished tasks write their final state: the coordinator's directory for the attempt, so its checkpoints can name them.</summary>
    public string? FinishedDirectory { get; init; }

    /// <summary>The checkpoint or savepoint the share's subtasks restore from (each its key-group range); null: they start empty.</summary>
    public string? RestorePath { get; init; }

    /// <summary>The attempt's number in its job (0 for the first), as the coordinator counts them.</summary>
    public int AttemptNumber { get; init; }

    /// <summary>Where subtask <paramref name="subtask"/> of vertex (chain) <paramref name="vertex"/> runs; every subtask must be placed.</summary>
    public SubtaskLocation LocationOf(int vertex, int subtask) => Placement.TryGetValue((vertex, subtask), out var location)
        ? location
        : throw new PyStreamException($"attempt {AttemptId} places no subtask {subtask} of vertex {vertex}");

    public bool Hosts(ExecutionVertex subtask) => subtask.Location.Worker == ThisWorker;

    /// <summary>The data address of the worker running <paramref name="subtask"/>.</summary>
    public Uri AddressOf(ExecutionVertex subtask) => WorkerAddresses.TryGetValue(subtask.Location.Worker, out var address)
        ? address
        : throw new PyStreamException($"attempt {AttemptId} has no data address for worker '{subtask.Location.Worker}'");

    /// <summary>The partition producer subtask <paramref name="producer"/> writes for <paramref name="edge"/>'s consumers elsewhere (Flink's result partition id).</summary>
    public string PartitionOf(StreamEdge edge, ExecutionVertex producer) =>
        $"{AttemptId}/{edge.Source.Id}.{edge.SourcePort}-{edge.Target.Id}.{edge.TargetInput}/{producer.SubtaskIndex}";
}
