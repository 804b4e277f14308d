using PyStream.Engine.Graph;

namespace PyStream.Engine.Runtime.Cluster;

/// <summary>
/// Flink's default slot sharing group: every operator of a job shares the job's slots, subtask <c>i</c> of
/// every vertex running in slot <c>i</c>, so a job needs as many slots as its highest parallelism.
/// </summary>
public static class SlotSharing
{
    /// <summary>The slots a job needs.</summary>
    public static int SlotsNeeded(JobGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.Chains.Max(c => c.Parallelism);
    }

    /// <summary>Where every subtask of <paramref name="graph"/> runs, given the job's slots in order.</summary>
    public static IReadOnlyDictionary<(int Vertex, int Subtask), SubtaskLocation> Place(JobGraph graph, IReadOnlyList<SubtaskLocation> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var needed = SlotsNeeded(graph);
        if (slots.Count < needed)
            throw new PyStreamException($"job '{graph.Spec.Name}' needs {needed} slots and was given {slots.Count}");
        var placement = new Dictionary<(int Vertex, int Subtask), SubtaskLocation>();
        foreach (var chain in graph.Chains)
        {
            for (var subtask = 0; subtask < chain.Parallelism; subtask++)
                placement[(chain.Index, subtask)] = slots[subtask];
        }

        return placement;
    }
}
