using PyStream.Python;

namespace PyStream.Network.Tests.Channels;

/// <summary>
/// The project venv's CPython, embedded once for the test run (it cannot be initialised twice in a
/// process), with the bridge a worker gives its network channels. One thread of its own starts and
/// shuts the interpreter down: the shutdown takes back the main thread state, which must be that
/// thread's (xunit may dispose a fixture on another thread than the one that made it).
/// </summary>
public sealed class PythonInterpreter : IDisposable
{
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _owner;

    public PythonInterpreter()
    {
        var venv = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(venv, ".venv", "bin", "python")))
            venv = Path.GetDirectoryName(venv.TrimEnd('/')) ?? throw new InvalidOperationException("no .venv above the test binaries: run ./pystream setup first");
        using var started = new ManualResetEventSlim();
        Exception? failure = null;
        _owner = new Thread(() =>
        {
            PythonHost host;
            try
            {
                host = PythonHost.Start(Path.Combine(venv, ".venv", "bin", "python"));
            }
            catch (Exception e)
            {
                failure = e;
                started.Set();
                return;
            }

            started.Set();
            _stop.Wait();
            host.Dispose();
        }) { IsBackground = true, Name = "embedded python" };
        _owner.Start();
        started.Wait();
        if (failure is not null)
            throw new InvalidOperationException("the embedded CPython did not start", failure);
        Runtime = new PythonRuntime();
    }

    public PythonRuntime Runtime { get; }

    public void Dispose()
    {
        _stop.Set();
        _owner.Join(TimeSpan.FromSeconds(30));
        _stop.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PythonInterpreterCollection : ICollectionFixture<PythonInterpreter>
{
    public const string Name = "embedded python";
}
