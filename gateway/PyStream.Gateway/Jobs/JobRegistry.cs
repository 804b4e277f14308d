using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime;
using PyStream.Engine.Spec;
using PyStream.Gateway.HighAvailability;
using PyStream.Gateway.Monitoring;
using PyStream.Gateway.Protocol;

namespace PyStream.Gateway.Jobs;

/// <summary>
/// The jobs this gateway started, by id; each runs in an environment of its own (output,
/// results). A job that ended is kept for <see cref="Expiration"/> (Flink's
/// <c>jobstore.expiration-time</c> default), then forgotten with its output and numbers.
/// With a high-availability storage directory, every job is kept there while it runs, with its
/// latest checkpoint, and the registry is the contender of the leader election: a leader resumes
/// the stored jobs, a standby refuses new ones.
/// </summary>
public sealed class JobRegistry : ILeaderContender
{
    public static readonly TimeSpan Expiration = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, JobRecord> _jobs = new(StringComparer.Ordinal);
    private readonly JobEnvironment _environment;
    private readonly ILogger _log;
    private readonly TaskMetrics _metrics;
    private readonly JobFiles _files;
    private readonly JobGraphStore? _store;
    private readonly JobResultStore? _results;
    private readonly object _leadership = new();
    private volatile bool _leading;

    public JobRegistry(JobEnvironment environment, GatewayOptions options, TaskMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        _log = environment.LoggerFactory.CreateLogger<JobRegistry>();
        var highAvailability = options.HighAvailability;
        _store = highAvailability is null ? null : new JobGraphStore(highAvailability.StorageDirectory);
        _results = highAvailability is null ? null : new JobResultStore(highAvailability.StorageDirectory);
        _files = new JobFiles(Path.Combine(options.DataDirectory, "files"), _store);
        // A standby waits for the election; a single gateway leads from the start.
        _leading = highAvailability is not { Type: HighAvailabilityType.Kubernetes };
        // Checkpoints must be where the next leader can read them: on the shared storage by default.
        var shared = highAvailability?.StorageDirectory ?? options.DataDirectory;
        var defaults = new Dictionary<string, string>
        {
            [CheckpointingOptions.DirectoryKey] = Path.Combine(shared, "checkpoints"),
            [CheckpointingOptions.SavepointDirectoryKey] = Path.Combine(shared, "savepoints"),
            [CheckpointingOptions.HistoryKey] = options.CheckpointsHistory.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in options.JobDefaults)
            defaults[key] = value; // -D KEY=VALUE: the cluster's own configuration comes before the gateway's defaults
        _environment = environment with
        {
            CheckpointCompleted = _store is null ? null : _store.RecordCheckpoint,
            ConfigurationDefaults = defaults,
        };
    }

    public static ActivitySource Activities { get; } = new("PyStream.Gateway");

    /// <summary>
    /// Called after an ended job's result was written to the job result store and before the job leaves the
    /// storage: where a test stops a coordinator as if it were killed there.
    /// </summary>
    internal Action<string>? JobResultWritten { get; set; }

    /// <summary>This gateway serves jobs: it is a single gateway, or the elected leader.</summary>
    public bool IsLeader => _leading;

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
        if (!_leading)
            throw new NotLeaderException();
        var jobId = JobExecution.NewJobId();
        if (files.Count > 0 || roots.Count > 0)
        {
            // With high availability the files are kept with the job, for the coordinator that resumes it.
            var directory = _files.Directory(jobId);
            foreach (var file in files)
                WriteFile(directory, file);
            for (var i = 0; i < spec.PythonFiles.Count; i++)
            {
                if (roots.TryGetValue(spec.PythonFiles[i], out var root))
                    spec.PythonFiles[i] = Path.Combine(directory, SafeRelativePath(root));
            }
        }

        return Start(spec, jobId);
    }

    /// <summary>Keeps the job in the high-availability storage (when there is one) before it starts; forgets it if it does not start.</summary>
    private JobRecord Start(JobSpec spec, string jobId)
    {
        if (!_leading)
            throw new NotLeaderException();
        try
        {
            _store?.Put(jobId, spec);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new PyStreamException($"cannot keep the job in the high-availability storage '{_store!.JobsDirectory}': {error.Message}", error);
        }

        JobRecord job;
        try
        {
            job = Launch(spec, jobId, restoreFrom: null);
        }
        catch
        {
            Forget(jobId);
            throw;
        }

        // Leadership revoked while it started: the revocation may not have seen it, so it stops itself (stored, for the next leader).
        if (!_leading)
            job.Execution.Suspend();
        return job;
    }

    private JobRecord Launch(JobSpec spec, string jobId, string? restoreFrom)
    {
        var events = new JobEventLog();
        var environment = _environment with
        {
            Stdout = events.Writer(error: false),
            Stderr = events.Writer(error: true, alsoTo: Console.Error),
            LoggerFactory = new JobLoggerFactory(events, _environment.LoggerFactory),
            Results = new CollectedResults(),
            ConfigurationOverrides = restoreFrom is null ? _environment.ConfigurationOverrides
                : new Dictionary<string, string>(_environment.ConfigurationOverrides) { [CheckpointingOptions.RestorePathKey] = restoreFrom },
        };
        JobRecord.ForwardResults(environment.Results, events);
        var record = new JobRecord(JobExecution.Start(spec, environment, OnStatus, jobId), environment, events);
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

    /// <summary>
    /// The gateway is stopping: cancels what still runs and waits (bounded) for it to stop; with
    /// high availability it suspends the jobs instead, and the next leader (or this gateway,
    /// started again) resumes them.
    /// </summary>
    public void CancelAll(TimeSpan bound)
    {
        if (_store is not null)
        {
            SuspendAll(bound);
            return;
        }

        foreach (var stuck in JobExecution.CancelAll(_jobs.Values.Select(j => j.Execution), bound))
            _log.JobDidNotStop(stuck.Name, stuck.JobId, bound.TotalSeconds);
    }

    /// <summary>Resumes every stored job that does not run here yet, each from its latest checkpoint, under its own id.</summary>
    public void GrantLeadership()
    {
        lock (_leadership)
        {
            _leading = true;
            if (_store is null)
                return;
            // Jobs that ended before the last coordinator finished removing them: never resumed, their removal finished now.
            foreach (var ended in _results!.DirtyResults())
            {
                _log.EndedJobNotResumed(ended);
                Forget(ended);
            }

            foreach (var stored in _store.ReadAll((directory, reason) => _log.StoredJobUnreadable(directory, reason)))
            {
                if (_jobs.TryGetValue(stored.JobId, out var running) && !running.Execution.HasEnded)
                    continue;
                try
                {
                    var job = Launch(stored.Spec, stored.JobId, stored.LatestCheckpoint);
                    _log.JobResumed(job.Execution.Name, stored.JobId, stored.LatestCheckpoint ?? "its start (no checkpoint completed)");
                }
                catch (Exception error) when (error is PyStreamException or ArgumentException or IOException)
                {
                    _log.JobNotResumed(stored.Spec.Name, stored.JobId, error.Message);
                }
            }
        }
    }

    /// <summary>Refuses new jobs and suspends the running ones, which stay stored for the next leader.</summary>
    public void RevokeLeadership()
    {
        lock (_leadership)
        {
            _leading = false;
            SuspendAll(TimeSpan.FromSeconds(30));
        }
    }

    private void SuspendAll(TimeSpan bound)
    {
        var running = _jobs.Values.Select(j => j.Execution).Where(e => !e.HasEnded).ToList();
        foreach (var execution in running)
            execution.Suspend();
        var deadline = Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency);
        foreach (var execution in running)
        {
            var left = TimeSpan.FromSeconds(Math.Max(0, deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            try
            {
                if (!execution.Wait(left))
                    _log.JobDidNotStop(execution.Name, execution.JobId, bound.TotalSeconds);
            }
            catch (JobExecutionException)
            {
                // it failed while stopping: stopped all the same
            }
        }
    }

    /// <summary>
    /// A job that ended for good leaves the storage; a suspended one stays. Done here, before the
    /// job discards its checkpoints, so a coordinator killed in between never finds a stored job
    /// whose checkpoints are gone; and after its result is in the job result store, so a coordinator
    /// killed in between never resumes it.
    /// </summary>
    private void OnStatus(JobExecution execution, JobStatus status)
    {
        if (status is not (JobStatus.Finished or JobStatus.Failed or JobStatus.Canceled))
            return;
        if (_results is not null)
        {
            try
            {
                _results.CreateDirtyResult(execution.JobId, status.ToString().ToUpperInvariant(), _environment.Time.GetUtcNow());
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                _log.JobResultNotWritten(execution.JobId, error.Message);
            }

            JobResultWritten?.Invoke(execution.JobId);
        }

        Forget(execution.JobId);
    }

    private void Forget(string jobId)
    {
        try
        {
            _store?.Remove(jobId);
            _files.Remove(jobId);
            _results?.MarkResultAsClean(jobId); // only once the job is gone: else the next leader finishes the removal
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            _log.StoredJobNotRemoved(jobId, error.Message);
        }
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
