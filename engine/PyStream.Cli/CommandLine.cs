using PyStream.Connectors.Kafka;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime;
using PyStream.Python;
using PyStream.State.RocksDb;

namespace PyStream.Cli;

/// <summary>
/// <c>pystream run [--verbose] [-s PATH [-n]] SCRIPT [ARGS...]</c>: runs a PyFlink script on the
/// engine; with <c>-s</c> (Flink's <c>--fromSavepoint</c>) its jobs resume from a savepoint or a
/// retained checkpoint, and <c>-n</c> (<c>--allowNonRestoredState</c>) lets state go that no operator claims.
/// With <c>--savepoint-on-interrupt DIR</c>, Ctrl-C or SIGTERM stops the running jobs with a savepoint
/// in DIR instead of cancelling them.
/// </summary>
internal static class CommandLine
{
    private const string Usage = "usage: pystream run [--verbose] [-s|--fromSavepoint PATH] [-n|--allowNonRestoredState] [--savepoint-on-interrupt DIR] SCRIPT.py [ARGS...]";

    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "kafka-mock")
            return KafkaMockCommand.Run(args[1..]);
        if (args.Length < 2 || args[0] != "run")
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var verbose = false;
        string? savepointOnInterrupt = null;
        var overrides = new Dictionary<string, string>();
        var at = 1;
        for (; at < args.Length && args[at].StartsWith('-'); at++)
        {
            switch (args[at])
            {
                case "--verbose":
                    verbose = true;
                    break;
                case "-s" or "--fromSavepoint" when at + 1 < args.Length:
                    overrides[CheckpointingOptions.RestorePathKey] = args[++at];
                    break;
                case "-n" or "--allowNonRestoredState":
                    overrides[CheckpointingOptions.AllowNonRestoredKey] = "true";
                    break;
                case "--savepoint-on-interrupt" when at + 1 < args.Length:
                    savepointOnInterrupt = Path.GetFullPath(args[++at]);
                    break;
                default:
                    Console.Error.WriteLine($"pystream: unknown option '{args[at]}'\n{Usage}");
                    return 2;
            }
        }

        var rest = args[at..];
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
        catch (PyStreamPythonException error)
        {
            Console.Error.WriteLine($"pystream: cannot start Python: {error.Message}");
            return 3;
        }

        int code;
        using (HostTelemetry.Start())
            code = RunScript(Path.GetFullPath(script), rest[1..], verbose, overrides, savepointOnInterrupt);
        host.ExitProcess(code);
        return code; // not reached: the process has ended
    }

    private static int RunScript(string script, string[] arguments, bool verbose, IReadOnlyDictionary<string, string> overrides, string? savepointOnInterrupt)
    {
        EmbeddedEngine engine;
        using var loggers = StderrLoggerProvider.CreateFactory();
        try
        {
            engine = new EmbeddedEngine(new JobEnvironment
            {
                LoggerFactory = loggers,
                Python = new PythonRuntime(),
                StateBackends = RocksDbStateBackend.WithDefaults(),
                Connectors = [new KafkaConnector()],
                OperatorProviders = [new PyStream.Sql.Service.SqlOperators(), new PyStream.Engine.Cep.PythonCepOperators()],
                ConfigurationOverrides = overrides,
            });
        }
        catch (PyStreamPythonException error)
        {
            Console.Error.WriteLine($"pystream: internal error: {error.Message}");
            return 1;
        }

        int code;
        using (var interrupts = new Interrupts(engine, savepointOnInterrupt))
        {
            code = PythonScripts.Run(script, arguments, engine, verbose);
            code = interrupts.ExitCode ?? code; // stopped by a signal: exit as shells report it
        }

        try
        {
            engine.CancelRunning(TimeSpan.FromSeconds(30));
        }
        catch (PyStreamPythonException error)
        {
            Console.Error.WriteLine($"pystream: {error.Message}");
            return code == 0 ? 1 : code;
        }

        return code;
    }
}
