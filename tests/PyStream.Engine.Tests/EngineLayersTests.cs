namespace PyStream.Engine.Tests;

/// <summary>
/// The engine's folders are layers: a namespace may use only those below it, so no two of
/// them depend on each other. A new folder has to be placed in <see cref="LayersBottomUp"/>.
/// </summary>
public sealed class EngineLayersTests
{
    /// <summary>Bottom first; "" is the root namespace <c>PyStream.Engine</c> (exceptions, task identity).</summary>
    private static readonly string[] LayersBottomUp =
        ["", "Settings", "Keys", "Records", "Telemetry", "State", "Time", "Windowing", "UserCode", "Checkpointing", "Graph", "Runtime", "Cep"];

    [Fact]
    public void EveryNamespaceUsesOnlyTheLayersBelowIt()
    {
        var references = NamespaceDependencies.Analyze(EngineSources());

        var upward = references
            .Where(r => Rank(r.To) >= Rank(r.From))
            .Select(r => $"{Name(r.From)} -> {Name(r.To)}: {r.File} names {r.Type}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(upward.Count == 0, "references against the layer order:\n" + string.Join('\n', upward));
    }

    [Fact]
    public void EveryFolderIsALayer()
    {
        var sources = EngineSources();
        var unplaced = NamespaceDependencies.Analyze(sources).SelectMany(r => new[] { r.From, r.To })
            .Concat(sources.Keys.Select(path => path.Contains('/') ? path[..path.IndexOf('/')] : ""))
            .Distinct()
            .Where(layer => !LayersBottomUp.Contains(layer))
            .ToList();
        Assert.Empty(unplaced);
    }

    [Fact]
    public void ReadsReferencesThroughUsingsAndQualifiedNames()
    {
        // Hand-written sources: Low -> High through a using, High -> Low through a qualified
        // name; mentions in comments and strings, and unused usings, are not references.
        var sources = new Dictionary<string, string>
        {
            ["Low/A.cs"] = """
                using PyStream.Engine.High;
                namespace PyStream.Engine.Low;
                public sealed class A { private B? _b; }
                """,
            ["High/B.cs"] = """
                namespace PyStream.Engine.High;
                public sealed class B { private Low.Sub.C? _c; }
                """,
            ["Low/Sub/C.cs"] = """
                using PyStream.Engine.Quiet;
                namespace PyStream.Engine.Low.Sub;
                // Mentions D only here
                public sealed record C(string Text = "D and $\"{D}\"");
                """,
            ["Quiet/D.cs"] = """
                namespace PyStream.Engine.Quiet;
                public readonly record struct D(int Value);
                """,
        };

        var references = NamespaceDependencies.Analyze(sources)
            .Select(r => $"{r.From} -> {r.To} ({r.Type})").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["High -> Low (C)", "Low -> High (B)"], references);
    }

    [Fact]
    public void KeepsCodeInsideInterpolationHoles()
    {
        var code = NamespaceDependencies.CodeOnly("var s = $\"a {Keys.KeyGroups.Of(\"x\")} b\"; // KeyGroupRange");

        Assert.Contains("Keys.KeyGroups.Of", code);
        Assert.DoesNotContain("KeyGroupRange", code);
        Assert.DoesNotContain("\"x\"", code, StringComparison.Ordinal);
    }

    private static int Rank(string layer) => Array.IndexOf(LayersBottomUp, layer);

    private static string Name(string layer) => layer.Length == 0 ? "PyStream.Engine" : layer;

    /// <summary>The engine's .cs files by path relative to engine/PyStream.Engine (forward slashes).</summary>
    private static Dictionary<string, string> EngineSources()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PyStream.sln")))
            directory = directory.Parent;
        Assert.NotNull(directory);
        var engine = Path.Combine(directory.FullName, "engine", "PyStream.Engine");
        return Directory.EnumerateFiles(engine, "*.cs", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(engine, path).Replace('\\', '/'))
            .Where(path => !path.StartsWith("obj/", StringComparison.Ordinal) && !path.StartsWith("bin/", StringComparison.Ordinal))
            .ToDictionary(path => path, path => File.ReadAllText(Path.Combine(engine, path)), StringComparer.Ordinal);
    }
}
