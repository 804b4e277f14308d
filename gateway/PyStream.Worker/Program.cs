using PyStream.Python;
using PyStream.Worker;

WorkerOptions options;
try
{
    options = WorkerOptions.Parse(args, Environment.GetEnvironmentVariable("PYSTREAM_TOKEN"));
    if (Environment.GetEnvironmentVariable("PYSTREAM_PYTHON") is { Length: > 0 } interpreter)
        options = options with { UploadPython = interpreter };
}
catch (ArgumentException error)
{
    Console.Error.WriteLine($"pystream worker: {error.Message}\n{WorkerOptions.Usage}");
    return 2;
}

// The worker's one interpreter: the Python functions of the subtasks placed here will run in it.
PythonHost python;
try
{
    python = PythonHost.Start(Environment.GetEnvironmentVariable("PYSTREAM_PYTHON"));
}
catch (PyStreamPythonException error)
{
    Console.Error.WriteLine($"pystream worker: cannot start Python: {error.Message}");
    return 3;
}

// print() in a job's Python function goes to the output of the share whose task runs it, and so to the job's client.
PythonStdout.Route(() => PyStream.Engine.Runtime.TaskOutput.Current);
var code = await WorkerHost.RunAsync(options).ConfigureAwait(false);
python.ExitProcess(code);
return code; // not reached: the process has ended
