using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime;
using PyStream.Engine.Spec;
using PyStream.Gateway.Monitoring;
using PyStream.Gateway.Protocol;

namespace PyStream.Gateway.Jobs;

/// <summary>
/// The jobs this gateway started, by id; each runs in an environment of its own (output,
/// results). A job that ended is kept for <see cref="Expiration"/> (Flink's
/// <c>jobstore.expiration-time</c> default), then forgotten with its output and numbers.
/// </summary>
public sealed class JobRegistry
{
    public static readonly TimeSpan Expiration = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, JobRecord> _jobs = new(StringComparer.Ordinal);
    private readonly JobEnvironment _environment;
    private readonly ILogger _log;
    private readonly TaskMetrics _metrics;
    private readonly string _filesRoot;

    public JobRegistry(JobEnvironment environment, GatewayOptions options, TaskMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        _log = environment.LoggerFactory.CreateLogger<JobRegistry>();
        _filesRoot = Path.Combine(options.DataDirectory, "files");
        _environment = environment with
        {
            ConfigurationDefaults = new Dictionary<string, string>
            {
                [CheckpointingOptions.DirectoryKey] = Path.Combine(options.DataDirectory, "checkpoints"),
                [CheckpointingOptions.SavepointDirectoryKey] = Path.Combine(options.DataDirectory, "savepoints"),
                [CheckpointingOptions.HistoryKey] = options.CheckpointsHistory.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
    }

    public static ActivitySource Activities { get; } = new("PyStream.Gateway");

    public IEnumerable<JobRecord> All
    {
        get
        {
            Expire();
            return _jobs.Values.OrderByDescending(j => j.Execution.StartTime);
        }
    }

    public JobRecord? Find(string id)
    {
        Expire();
        return _jobs.TryGetValue(id, out var job) ? job : null;
    }

    /// <summary>
    /// Starts a job with the files that came with it: they go to a directory of their own, and
    /// each <see cref="JobSpec.PythonFiles"/> entry named in <paramref name="roots"/> becomes its
    /// directory there. Throws <see cref="ArgumentException"/> for a bad file name or root, and
    /// the engine's <see cref="PyStreamException"/> for a job it refuses.
    /// </summary>
    public JobRecord Submit(JobSpec spec, IReadOnlyList<PythonFile> files, IReadOnlyDictionary<string, string> roots)
    {
        ArgumentNullException.ThrowIfNull(spec);
        using var span = Activities.StartActivity("submit job")?.SetTag("pystream.job", spec.Name);
        if (files.Count > 0 || roots.Count > 0)
        {
            var directory = Path.Combine(_filesRoot, Guid.NewGuid().ToString("N"));
            foreach (var file in files)
                WriteFile(directory, file);
            for (var i = 0; i < spec.PythonFiles.Count; i++)
            {
                if (roots.TryGetValue(spec.PythonFiles[i], out var root))
                    spec.PythonFiles[i] = Path.Combine(directory, SafeRelativePath(root));
            }
        }

        return Start(spec);
    }

    /// <summary>Starts a job whose files are in place.</summary>
    public JobRecord Start(JobSpec spec)
    {
        var events = new JobEventLog();
        var environment = _environment with
        {
            Stdout = events.Writer(error: false),
            Stderr = events.Writer(error: true, alsoTo: Console.Error),
            LoggerFactory = new JobLoggerFactory(events, _environment.LoggerFactory),
            Results = new CollectedResults(),
        };
        JobRecord.ForwardResults(environment.Results, events);
        var record = new JobRecord(JobExecution.Start(spec, environment), environment, events);
        _jobs[record.Id] = record;
        record.Watch();
        return record;
    }

    private void Expire()
    {
        var before = _environment.Time.GetUtcNow() - Expiration;
        foreach (var job in _jobs.Values.Where(j => j.Execution.EndTime <= before))
        {
            if (_jobs.TryRemove(job.Id, out _))
                _metrics.Forget(job.Id);
        }
    }

    /// <summary>The gateway is stopping: cancels what still runs and waits (bounded) for it to stop.</summary>
    public void CancelAll(TimeSpan bound)
    {
        foreach (var stuck in JobExecution.CancelAll(_jobs.Values.Select(j => j.Execution), bound))
            _log.JobDidNotStop(stuck.Name, stuck.JobId, bound.TotalSeconds);
    }

    private static void WriteFile(string directory, PythonFile file)
    {
        var path = Path.Combine(directory, SafeRelativePath(file.Path));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, file.Content.ToByteArray());
    }

    /// <summary>A relative path that stays inside its directory: no root, no "..", no empty or odd parts.</summary>
    internal static string SafeRelativePath(string path)
    {
        var parts = path.Split('/');
        if (path.Length == 0 || path.Contains('\\') || path.Contains('\0')
            || parts.Any(p => p.Length == 0 || p == "." || p == ".."))
            throw new ArgumentException($"file path '{path}' must be relative and stay inside the job's directory (no '..', no leading '/')");
        return Path.Combine(parts);
    }
}
