using Google.Protobuf;
using Python.Runtime;
using PyStream.Engine;
using PyStream.Engine.Graph;
using PyStream.Engine.Runtime;
using PyStream.Engine.Settings;
using PyStream.Engine.Spec;
using PyStream.Engine.UserCode;
using PyStream.Sql;
using PyStream.Sql.Service;
using PyStream.Sql.Protocol;

namespace PyStream.Python;

/// <summary>
/// The engine as a script running in this process sees it (<c>pystream._bridge</c> calls it).
/// pythonnet releases the GIL around every call from Python into .NET, so waiting here
/// blocks no task; a method that touches Python objects takes the GIL for that moment.
/// A host that keeps its own record of jobs (the gateway) passes <paramref name="launch"/>, which
/// starts each job in an environment of its own.
/// </summary>
public sealed class EmbeddedEngine(JobEnvironment environment, Func<JobSpec, (JobExecution Execution, JobEnvironment Environment)>? launch = null)
{
    private readonly List<JobExecution> _started = [];

    public EmbeddedJob start(PyObject spec)
    {
        var parsed = Parse(spec);
        var (execution, jobEnvironment) = launch is null ? (JobExecution.Start(parsed, environment), environment) : launch(parsed);
        lock (_started)
        {
            // Only jobs that may still run are kept: an ended one held here kept its whole graph and state live for as
            // long as the script (or the gateway) ran.
            _started.RemoveAll(e => e.HasEnded);
            _started.Add(execution);
        }

        return new EmbeddedJob(execution, jobEnvironment);
    }

    /// <summary>
    /// The script has ended: jobs it left running are cancelled (as a local Flink cluster
    /// goes down with its script). Call without the GIL, so tasks can finish their batch.
    /// </summary>
    public void CancelRunning(TimeSpan bound)
    {
        List<JobExecution> started;
        lock (_started)
            started = [.. _started];
        if (JobExecution.CancelAll(started, bound) is [var stuck, ..])
            throw new PyStreamPythonException($"job '{stuck.Name}' did not stop within {bound.TotalSeconds:F0} s of being cancelled");
    }

    /// <summary>
    /// Stops each running job with a savepoint in <paramref name="directory"/> (Flink's stop with
    /// savepoint); a job whose savepoint fails is cancelled. Says what happened to each, in order.
    /// </summary>
    public IEnumerable<string> StopRunningWithSavepoint(string directory, TimeSpan bound)
    {
        List<JobExecution> running;
        lock (_started)
            running = [.. _started.Where(e => e.Status is JobStatus.Created or JobStatus.Running)];
        foreach (var execution in running)
        {
            string said;
            try
            {
                var path = execution.TriggerSavepoint(directory, stop: true).WaitAsync(bound).GetAwaiter().GetResult();
                said = $"job '{execution.Name}' stopped with savepoint {path}";
            }
            catch (Exception error) when (error is PyStreamException or TimeoutException)
            {
                execution.Cancel();
                said = $"the savepoint of job '{execution.Name}' failed ({error.Message}); cancelling it";
            }

            yield return said;
        }
    }

    public string plan(PyObject spec) => ExecutionPlan.ToJson(JobGraphBuilder.Build(Parse(spec)));

    /// <summary>A configuration (a dict of str) as the engine reads it: see <see cref="EngineSettings"/>.</summary>
    public PyObject read_settings(PyObject configuration)
    {
        using var gil = Py.GIL();
        var given = new Dictionary<string, string>();
        using (var dict = new PyDict(configuration))
        {
            foreach (var key in dict.Keys())
                given[key.ToString()!] = dict[key].ToString()!;
        }

        var read = new PyDict();
        foreach (var (key, value) in EngineSettings.Read(given))
            read[key] = new PyString(value);
        return read;
    }

    /// <summary>
    /// A table environment's statement: a serialized <c>pystream.v1.SqlRequest</c> in, a serialized
    /// <c>SqlResponse</c> out (see <see cref="SqlService"/>). The GIL is released while the engine plans.
    /// </summary>
    public PyObject sql(PyObject request)
    {
        SqlRequest parsed;
        using (Py.GIL())
            parsed = SqlRequest.Parser.ParseFrom(CPython.ToArray(request));
        var response = SqlService.Execute(parsed).ToByteArray();
        using (Py.GIL())
            return CPython.ToBytes(response);
    }

    private static JobSpec Parse(PyObject spec)
    {
        using (Py.GIL())
            return JobSpec.Parser.ParseFrom(CPython.ToArray(spec));
    }
}

/// <summary>A running job as Python's job client sees it.</summary>
public sealed class EmbeddedJob
{
    private readonly JobExecution _execution;
    private readonly JobEnvironment _environment;

    internal EmbeddedJob(JobExecution execution, JobEnvironment environment)
    {
        _execution = execution;
        _environment = environment;
    }

    public string job_id => _execution.JobId;

    public string status() => _execution.Status.ToString().ToUpperInvariant();

    public void cancel() => _execution.Cancel();

    /// <summary>Every checkpoint so far: (id, kind, triggered at ms, duration ms, bytes written, failure or None).</summary>
    public PyObject checkpoint_history()
    {
        using var gil = Py.GIL();
        var list = new PyList();
        foreach (var c in _execution.CheckpointHistory.Entries)
        {
            using var entry = new PyTuple([new PyInt(c.Id), new PyString(c.Kind.ToString()), new PyInt(c.TriggeredAt), new PyInt(c.DurationMs),
                new PyInt(c.SizeBytes), c.Failure is null ? PyObject.None : new PyString(c.Failure)]);
            list.Append(entry);
        }

        return list;
    }

    /// <summary>Takes a savepoint (directory "" = the configured default); blocks until it completed; returns its path.</summary>
    public string trigger_savepoint(string directory) => _execution.TriggerSavepoint(directory).GetAwaiter().GetResult();

    /// <summary>Takes a savepoint, then ends the job as finished; <paramref name="drain"/> first advances event time to its end.</summary>
    public string stop_with_savepoint(string directory, bool drain)
    {
        var path = _execution.TriggerSavepoint(directory, stop: true, drain).GetAwaiter().GetResult();
        _execution.Wait();
        return path;
    }

    /// <summary>Waits up to <paramref name="timeoutMillis"/> (negative: forever); true when the job ended.</summary>
    public bool wait(long timeoutMillis)
    {
        try
        {
            return timeoutMillis < 0 ? WaitForever() : _execution.Wait(TimeSpan.FromMilliseconds(timeoutMillis));
        }
        catch (JobExecutionException)
        {
            return true;
        }
    }

    /// <summary>Why the job failed: (message, the user's traceback or None), or None when it did not.</summary>
    public PyObject failure()
    {
        using var gil = Py.GIL();
        if (_execution.Status != JobStatus.Failed)
            return PyObject.None;
        try
        {
            _execution.Wait();
            return PyObject.None;
        }
        catch (JobExecutionException error)
        {
            var cause = error.InnerException!;
            var traceback = cause is UserFunctionException user ? new PyString(user.UserTraceback) : PyObject.None;
            var message = JobFailure.Describe(cause) + (cause is PyStreamException ? "" : " (run with --verbose for details)");
            return new PyTuple([new PyString(message), traceback, new PyString(cause.ToString())]);
        }
    }

    /// <summary>Pickled result batches a collect sink received since the last call.</summary>
    public PyObject drain(string collectId)
    {
        using var gil = Py.GIL();
        var list = new PyList();
        foreach (var batch in _environment.Results.Drain(collectId))
        {
            using var bytes = CPython.ToBytes(batch.Data);
            list.Append(bytes);
        }

        return list;
    }

    private bool WaitForever()
    {
        _execution.Wait();
        return true;
    }
}
