using System.Text.RegularExpressions;

namespace PyStream.Sql.Tests;

/// <summary>
/// The SQL project's folders are layers, each using only those below it: from types and the
/// parser up through expressions, functions and their compiler, the catalog, the logical plan,
/// the operators, their physical planning, to the service hosts call.
/// </summary>
public sealed partial class SqlProjectBoundaryTests
{
    private static readonly string[] LayersBottomUp =
        ["", "Types", "Lexing", "Ast", "Parsing", "Printing", "TableApi", "Expressions", "Functions", "Compiling", "Rendering", "Formats", "Catalog", "Planning", "Connectors", "Runtime", "Physical", "Service"];

    [Fact]
    public void Only_the_hosts_the_tests_and_the_benchmarks_reference_the_sql_project()
    {
        var root = RepositoryRoot();
        var referencing = Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
            .Where(path => File.ReadAllText(path).Contains("PyStream.Sql.csproj", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(root, path))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal([
            "benchmarks/PyStream.Benchmarks/PyStream.Benchmarks.csproj",
            "engine/PyStream.Python/PyStream.Python.csproj",
            "gateway/PyStream.Gateway/PyStream.Gateway.csproj",
            "gateway/PyStream.Worker/PyStream.Worker.csproj",
            "tests/PyStream.Network.Tests/PyStream.Network.Tests.csproj",
            "tests/PyStream.Sql.Tests/PyStream.Sql.Tests.csproj",
        ], referencing);
    }

    [Fact]
    public void Every_folder_uses_only_the_layers_below_it()
    {
        var source = Path.Combine(RepositoryRoot(), "engine", "PyStream.Sql");
        var violations = new List<string>();
        foreach (var path in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, path);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal))
                continue;
            var layer = relative.Contains('/') ? relative[..relative.IndexOf('/')] : "";
            Assert.Contains(layer, LayersBottomUp);
            foreach (Match used in UsingDirective().Matches(File.ReadAllText(path)))
            {
                var usedLayer = used.Groups[1].Value;
                if (Array.IndexOf(LayersBottomUp, usedLayer) >= Array.IndexOf(LayersBottomUp, layer))
                    violations.Add($"{relative} uses PyStream.Sql.{usedLayer}");
            }
        }
        Assert.Empty(violations);
    }

    [GeneratedRegex(@"^using PyStream\.Sql\.(\w+);", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PyStream.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("PyStream.sln not found above " + AppContext.BaseDirectory);
    }
}
