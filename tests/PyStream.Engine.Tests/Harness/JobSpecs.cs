using Google.Protobuf;
using PyStream.Engine.Spec;

namespace PyStream.Engine.Tests.Harness;

/// <summary>Transformations for hand-built job specs, as the Python API would record them.</summary>
internal static class JobSpecs
{
    public static JobSpec Job(params Transformation[] transformations) => Job(parallelism: 1, transformations);

    public static JobSpec Job(int parallelism, params Transformation[] transformations)
    {
        var spec = new JobSpec { Name = "test-job", Parallelism = parallelism };
        spec.Transformations.AddRange(transformations);
        return spec;
    }

    public static Transformation Numbers(int id, long from, long to, int parallelism = 0) => new()
    {
        Id = id,
        Name = $"numbers-{id}",
        Parallelism = parallelism,
        Source = new SourceSpec { NumberSequence = new NumberSequenceSource { From = from, To = to } },
    };

    public static Transformation TextFiles(int id, int parallelism, params string[] paths)
    {
        var files = new TextFileSource();
        files.Paths.AddRange(paths);
        return new Transformation { Id = id, Name = $"files-{id}", Parallelism = parallelism, Source = new SourceSpec { TextFiles = files } };
    }

    /// <summary>A Python operation; the engine only carries its (here empty) pickled body.</summary>
    public static Transformation Python(int id, int parallelism, params Edge[] inputs) =>
        With(new Transformation { Id = id, Name = $"map-{id}", Parallelism = parallelism, Python = new PythonOperatorSpec() }, inputs);

    public static Transformation Print(int id, int parallelism, string identifier, params Edge[] inputs) =>
        With(new Transformation { Id = id, Name = $"print-{id}", Parallelism = parallelism, Sink = new SinkSpec { Print = new PrintSink { Identifier = identifier } } }, inputs);

    public static Transformation Union(int id, params Edge[] inputs) =>
        With(new Transformation { Id = id, Name = $"union-{id}", Union = new UnionSpec() }, inputs);

    public static Transformation SideOutput(int id, string tag, int producer) =>
        With(new Transformation { Id = id, Name = $"side-{tag}", SideOutput = new SideOutputSpec { Tag = tag } }, [From(producer)]);

    public static Edge From(int sourceId, Partitioning partitioning = Partitioning.Auto) => new()
    {
        SourceId = sourceId,
        Partitioning = partitioning,
        Function = partitioning is Partitioning.Hash or Partitioning.Custom ? ByteString.CopyFromUtf8("pickled-function") : ByteString.Empty,
    };

    public static Transformation Chained(this Transformation transformation, Chaining chaining)
    {
        transformation.Chaining = chaining;
        return transformation;
    }

    private static Transformation With(Transformation transformation, Edge[] inputs)
    {
        transformation.Inputs.AddRange(inputs);
        return transformation;
    }
}
