using Python.Runtime;
using PyStream.Engine.Spec;

namespace PyStream.Python.Tests;

/// <summary>
/// One embedded CPython for the whole test run (CPython cannot be initialised twice in a
/// process). Jobs are built with the real pyflink API from Python source text.
/// </summary>
public sealed class EmbeddedPython : IDisposable
{
    private readonly PythonHost _host;

    public EmbeddedPython()
    {
        var root = FindRoot();
        var venvPython = Path.Combine(root, ".venv", "bin", "python");
        if (!File.Exists(venvPython))
            throw new InvalidOperationException($"no venv at {venvPython}: run ./pystream setup first");
        _host = PythonHost.Start(venvPython);
        Runtime = new PythonRuntime();
    }

    public PythonRuntime Runtime { get; }

    /// <summary>Runs <paramref name="pipeline"/> (Python statements using <c>env</c>) and returns the job it built.</summary>
    public JobSpec BuildJob(string pipeline)
    {
        using (Py.GIL())
        {
            using var scope = Py.CreateScope();
            scope.Exec("from pyflink.common import Types\n"
                       + "from pyflink.datastream import *\n"
                       + "env = StreamExecutionEnvironment.get_execution_environment()\n"
                       + pipeline + "\n"
                       + "spec = env._take_spec('test').SerializeToString()\n");
            using var spec = scope.Get("spec");
            return JobSpec.Parser.ParseFrom(CPython.ToArray(spec));
        }
    }

    public void Dispose() => _host.Dispose();

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PyStream.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("PyStream.sln not found above the test binaries");
    }
}

[CollectionDefinition(Name)]
public sealed class EmbeddedPythonCollection : ICollectionFixture<EmbeddedPython>
{
    public const string Name = "embedded python";
}
