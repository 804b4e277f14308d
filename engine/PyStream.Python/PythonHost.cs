using Python.Runtime;

namespace PyStream.Python;

/// <summary>
/// Starts and stops the embedded CPython. Initialise once per process, then release the GIL
/// so task threads can take it per batch; shut down before exit, or the process hangs.
/// </summary>
public sealed class PythonHost : IDisposable
{
    public const string DefaultLibrary = "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0";

    private nint _mainThreadState;
    private bool _disposed;

    private PythonHost()
    {
    }

    /// <summary>
    /// Loads libpython (<c>PYSTREAM_PYTHON_LIBRARY</c> or the Debian default) and initialises
    /// it as <paramref name="programName"/> (the venv's python, so its site-packages apply).
    /// Throws <see cref="PyStreamPythonException"/> when that library is missing or will not load.
    /// </summary>
    public static PythonHost Start(string? programName)
    {
        var library = Environment.GetEnvironmentVariable("PYSTREAM_PYTHON_LIBRARY") is { Length: > 0 } configured ? configured : DefaultLibrary;
        if (!File.Exists(library))
            throw new PyStreamPythonException($"libpython not found at '{library}' (set PYSTREAM_PYTHON_LIBRARY)");
        Runtime.PythonDLL = library;
        if (programName is not null)
            PythonEngine.ProgramName = programName;
        try
        {
            PythonEngine.Initialize();
        }
        catch (Exception error) when (error is DllNotFoundException or BadImageFormatException)
        {
            throw new PyStreamPythonException($"cannot load libpython from '{library}': {error.Message}");
        }

        var host = new PythonHost();
        host._mainThreadState = PythonEngine.BeginAllowThreads();
        return host;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        PythonEngine.EndAllowThreads(_mainThreadState);
        PythonEngine.Shutdown();
    }

    /// <summary>
    /// Ends the process with <paramref name="exitCode"/>: runs Python's exit handlers, flushes
    /// both runtimes' streams, then exits at once. Finalising the interpreter (what pythonnet's
    /// shutdown does, also on process exit) costs about half a second of collections that an
    /// ending process does not need. Nothing holds the GIL, so nothing holds the exit up.
    /// </summary>
    public void ExitProcess(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        using (Py.GIL())
            PythonEngine.Exec($"import atexit, os, sys\natexit._run_exitfuncs()\nsys.stdout.flush()\nsys.stderr.flush()\nos._exit({exitCode})");
    }
}
