using Python.Runtime;
using PyStream.Engine.Runtime;
using PyStream.Python;
using PyStream.State.RocksDb;

namespace PyStream.Cli;

/// <summary><c>pystream run [--verbose] SCRIPT [ARGS...]</c>: runs a PyFlink script on the engine.</summary>
internal static class CommandLine
{
    private const string Usage = "usage: pystream run [--verbose] SCRIPT.py [ARGS...]";

    public static int Run(string[] args)
    {
        if (args.Length < 2 || args[0] != "run")
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var verbose = args[1] == "--verbose";
        var rest = args.Skip(verbose ? 2 : 1).ToArray();
        if (rest.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var script = rest[0];
        if (!File.Exists(script))
        {
            Console.Error.WriteLine($"pystream: script '{script}' not found");
            return 2;
        }

        PythonHost host;
        try
        {
            host = PythonHost.Start(Environment.GetEnvironmentVariable("PYSTREAM_PYTHON"));
        }
        catch (Exception error) when (error is PyStreamPythonException or DllNotFoundException or BadImageFormatException)
        {
            Console.Error.WriteLine($"pystream: cannot start Python: {error.Message}");
            return 3;
        }

        var code = RunScript(Path.GetFullPath(script), rest, verbose);
        host.ExitProcess(code);
        return code; // not reached: the process has ended
    }

    private static int RunScript(string script, string[] argv, bool verbose)
    {
        EmbeddedEngine? engine = null;
        int code;
        using (Py.GIL())
        {
            try
            {
                var environment = new JobEnvironment { Python = new PythonRuntime(), StateBackends = RocksDbStateBackend.WithDefaults() };
                engine = new EmbeddedEngine(environment);
                using var bridge = Py.Import("pystream._bridge");
                using var pyEngine = engine.ToPython();
                using var args = new PyList(argv.Select(a => (PyObject)new PyString(a)).ToArray());
                args[0] = new PyString(script);
                using var result = bridge.InvokeMethod("run_script", new PyString(script), args, pyEngine, verbose.ToPython());
                code = result.As<int>();
            }
            catch (PythonException error)
            {
                Console.Error.WriteLine($"pystream: internal error: {(verbose ? error.ToString() : error.Format())}");
                code = 1;
            }
        }

        try
        {
            engine?.CancelRunning(TimeSpan.FromSeconds(30));
        }
        catch (PyStreamPythonException error)
        {
            Console.Error.WriteLine($"pystream: {error.Message}");
            return code == 0 ? 1 : code;
        }

        return code;
    }
}
