using PyStream.Engine.Spec;

namespace PyStream.Engine.Graph;

/// <summary>A physical transformation of the job: a source, a Python operation or a sink.</summary>
public sealed class StreamNode
{
    internal StreamNode(Transformation transformation, int parallelism)
    {
        Transformation = transformation;
        Parallelism = parallelism;
    }

    public Transformation Transformation { get; }

    public int Id => Transformation.Id;

    public string Name => Transformation.Name;

    /// <summary>Where the node's state is filed in checkpoints and savepoints: its uid, else its transformation id.</summary>
    public string StateKey => Transformation.Uid.Length > 0 ? Transformation.Uid : Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public int Parallelism { get; }

    public List<StreamEdge> Inputs { get; } = [];

    public List<StreamEdge> Outputs { get; } = [];

    public bool IsSource => Transformation.BodyCase == Transformation.BodyOneofCase.Source || (IsSql && Transformation.Sql.Source);

    /// <summary>An operator of a planned SQL query (built by a <see cref="Runtime.IOperatorProvider"/>).</summary>
    public bool IsSql => Transformation.BodyCase == Transformation.BodyOneofCase.Sql;

    public bool IsSink => Transformation.BodyCase == Transformation.BodyOneofCase.Sink;

    public bool IsPython => Transformation.BodyCase == Transformation.BodyOneofCase.Python;

    public bool IsWatermarks => Transformation.BodyCase == Transformation.BodyOneofCase.Watermarks;

    public bool IsWindow => Transformation.BodyCase == Transformation.BodyOneofCase.Window;

    /// <summary>A pattern stream of the Python CEP API: the NFA here, conditions and the match function in Python.</summary>
    public bool IsCep => Transformation.BodyCase == Transformation.BodyOneofCase.Cep;

    /// <summary>A native operator that keeps keyed state of Python records (a window, a pattern): its inputs always carry keys.</summary>
    public bool IsKeyedNative => IsWindow || IsCep;

    /// <summary>Output ports: 0 is the main output, then one per side output tag (a window or a pattern: late records on 1, its function's side outputs from 2).</summary>
    public int PortCount => IsPython ? 1 + Transformation.Python.SideOutputTags.Count
        : IsWindow ? 2 + Transformation.Window.SideOutputTags.Count
        : IsCep ? 2 + Transformation.Cep.SideOutputTags.Count
        : 1;

    /// <summary>The port of a side output tag, or -1 when the node does not declare it.</summary>
    public int SideOutputPort(string tag) =>
        IsPython ? Transformation.Python.SideOutputTags.IndexOf(tag) is >= 0 and var i ? i + 1 : -1
        : IsWindow && Transformation.Window.LateDataTag == tag ? 1
        : IsWindow && Transformation.Window.SideOutputTags.IndexOf(tag) is >= 0 and var w ? w + 2
        : IsCep && Transformation.Cep.LateDataTag == tag ? 1
        : IsCep && Transformation.Cep.SideOutputTags.IndexOf(tag) is >= 0 and var c ? c + 2
        : -1;

    public override string ToString() => $"{Name} (#{Id}, parallelism {Parallelism})";
}

/// <summary>A connection from one port of a node to one input of another.</summary>
public sealed class StreamEdge
{
    internal StreamEdge(StreamNode source, int sourcePort, StreamNode target, int targetInput, Partitioning partitioning, Google.Protobuf.ByteString function)
    {
        Source = source;
        SourcePort = sourcePort;
        Target = target;
        TargetInput = targetInput;
        Partitioning = partitioning;
        Function = function;
    }

    public StreamNode Source { get; }

    public int SourcePort { get; }

    public StreamNode Target { get; }

    /// <summary>Index of this edge among the target's inputs.</summary>
    public int TargetInput { get; }

    /// <summary>
    /// Which input of the transformation this edge feeds (0 or 1 for two-input functions). Every
    /// branch of a union feeds the same logical input through an edge of its own.
    /// </summary>
    public int LogicalInput { get; init; }

    /// <summary>The resolved partitioning: never <see cref="Partitioning.Auto"/>.</summary>
    public Partitioning Partitioning { get; }

    /// <summary>Key selector (HASH) or partitioner (CUSTOM), pickled.</summary>
    public Google.Protobuf.ByteString Function { get; }

    /// <summary>A hash edge between two single subtasks carries every key to the one consumer.</summary>
    public bool IsPointwiseForward =>
        Partitioning == Partitioning.Forward
        || (Source.Parallelism == 1 && Target.Parallelism == 1 && Partitioning is Partitioning.Hash or Partitioning.Rebalance or Partitioning.Rescale or Partitioning.Shuffle or Partitioning.Broadcast);
}
