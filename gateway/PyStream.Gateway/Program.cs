using PyStream.Engine.Runtime;
using PyStream.Gateway;
using PyStream.Python;

GatewayOptions options;
try
{
    var podNamespace = File.Exists(PyStream.Gateway.HighAvailability.HighAvailabilitySettings.NamespaceFile)
        ? File.ReadAllText(PyStream.Gateway.HighAvailability.HighAvailabilitySettings.NamespaceFile).Trim() : null;
    // A gateway that is no cluster's runs its jobs' Python on local workers, never in its own interpreter, unless told
    // otherwise: --local-workers, or PYSTREAM_LOCAL_WORKERS (issue 16's pystream.local.workers), by default auto.
    if (!args.Contains("--local-workers") && !args.Contains("--cluster"))
        args = [.. args, "--local-workers", Environment.GetEnvironmentVariable("PYSTREAM_LOCAL_WORKERS") is { Length: > 0 } localWorkers ? localWorkers : "auto"];
    options = GatewayOptions.Parse(args, Environment.GetEnvironmentVariable("PYSTREAM_TOKEN"), podNamespace);
    if (Environment.GetEnvironmentVariable("PYSTREAM_PYTHON") is { Length: > 0 } interpreter)
        options = options with { UploadPython = interpreter };
}
catch (ArgumentException error)
{
    Console.Error.WriteLine($"pystream gateway: {error.Message}\n{GatewayOptions.Usage}");
    return 2;
}

PythonHost python;
try
{
    python = PythonHost.Start(Environment.GetEnvironmentVariable("PYSTREAM_PYTHON"));
}
catch (PyStreamPythonException error)
{
    Console.Error.WriteLine($"pystream gateway: cannot start Python: {error.Message}");
    return 3;
}

// print() in a job's Python function goes to that job's output (GET /jobs/{id}/stdout), as a print sink's does.
PythonStdout.Route(() => TaskOutput.Current);
var code = await GatewayHost.RunAsync(options).ConfigureAwait(false);
python.ExitProcess(code);
return code; // not reached: the process has ended
