using Google.Protobuf;
using PyStream.Engine.Spec;

namespace PyStream.Sql.Physical;

/// <summary>A planned query's nodes in topological order, and the job spec that runs them.</summary>
public sealed class PhysicalPlan(IReadOnlyList<PhysicalNode> nodes)
{
    public IReadOnlyList<PhysicalNode> Nodes { get; } = nodes;

    /// <summary>
    /// The job: one transformation per node, numbered from <paramref name="firstId"/> (after a
    /// DataStream job's own when the plan continues one); SQL operators carry the request they
    /// were planned from, and the last node emits Python records when <paramref name="pythonRecords"/>.
    /// </summary>
    public JobSpec ToJobSpec(string jobName, ByteString plan, bool batchMode, int parallelism, IReadOnlyDictionary<string, string> configuration, int firstId = 1, bool pythonRecords = false)
    {
        var spec = new JobSpec { Name = jobName, Mode = batchMode ? RuntimeMode.Batch : RuntimeMode.Streaming, Parallelism = parallelism };
        foreach (var (key, value) in configuration)
            spec.Configuration[key] = value;
        foreach (var node in Nodes)
        {
            var id = firstId + node.Index;
            var t = new Transformation { Id = id, Name = node.Name, Uid = node.UidAt(id - 1), Parallelism = node.Parallelism };
            foreach (var input in node.Inputs)
                t.Inputs.Add(new Edge { SourceId = input.Transformation ?? firstId + input.Node, Partitioning = input.Partitioning });
            if (node.Source is not null)
                t.Source = node.Source;
            else if (node.Sink is not null)
                t.Sink = node.Sink;
            else
                t.Sql = new SqlOperatorSpec { Plan = plan, Operator = node.Index, Source = node.Inputs.Count == 0, PythonRecords = pythonRecords && node == Nodes[^1] };
            spec.Transformations.Add(t);
        }

        return spec;
    }
}
