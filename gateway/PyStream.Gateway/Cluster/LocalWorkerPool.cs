using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using PyStream.Engine;

namespace PyStream.Gateway.Cluster;

/// <summary>
/// The gateway's local workers (<c>--local-workers</c>, docs/cluster.md): worker processes it starts on this
/// machine so that no job's Python runs in the gateway. Each job attempt gets workers of its own, as many as its
/// parallelism up to <see cref="LocalWorkerSettings.WorkersPerJob"/>, taken from the idle spares first (their
/// start-up is already paid) and started when there are too few; they are stopped when the attempt ends, so jobs
/// never share an interpreter and a restart gets fresh ones. A worker that exits before it registered fails the
/// attempt with its exit status and last lines.
/// </summary>
public sealed partial class LocalWorkerPool : IWorkerAssignment, IDisposable
{
    /// <summary>A local worker never limits a job's parallelism (the cores do): it offers the default max parallelism.</summary>
    public const int SlotsPerWorker = 128;

    /// <summary>
    /// How long a cancelled attempt's shares may take to stop before its workers are killed: a Python function that
    /// never returns (an endless loop, a regular expression backtracking for hours) cannot be interrupted otherwise.
    /// Flink's <c>task.cancellation.timeout</c> kills its TaskManager the same way, after 3 min; a local worker runs one attempt only.
    /// </summary>
    public static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private const int LinesKept = 20;

    private readonly Lock _lock = new();
    private readonly List<LocalWorker> _workers = [];
    private readonly LocalWorkerSettings _settings;
    private readonly string _executable;
    private readonly string? _token;
    private readonly ILogger _logger;
    private string? _coordinator;
    private bool _stopped;
    // A spare that could not start is not replaced until a job asks again (its attempt then fails with the reason).
    private bool _sparesFailing;

    public LocalWorkerPool(LocalWorkerSettings settings, string executable, string? token, ILogger<LocalWorkerPool> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(executable);
        _settings = settings;
        _executable = executable;
        _token = token;
        _logger = logger;
    }

    /// <summary>
    /// The worker executable: <c>PYSTREAM_WORKER</c>, else beside the gateway's (a published image) or in the
    /// source tree's build output (<c>./pystream gateway</c>).
    /// </summary>
    public static string FindExecutable()
    {
        if (Environment.GetEnvironmentVariable("PYSTREAM_WORKER") is { Length: > 0 } configured)
            return configured;
        var here = AppContext.BaseDirectory;
        string[] candidates =
        [
            Path.Combine(here, "pystream-worker"),
            Path.Combine(here, "..", "worker", "pystream-worker"),
            Path.Combine(here, "..", "..", "..", "..", "PyStream.Worker", "bin", "Release", "net10.0", "pystream-worker"),
        ];
        return Path.GetFullPath(candidates.FirstOrDefault(File.Exists) ?? candidates[^1]);
    }

    /// <summary>
    /// One slot per worker a job may have: a local worker's 128 slots are there so that no parallelism is refused, not
    /// as room to fill; counted, they would run a reactive job at its max parallelism (128 subtasks on one machine).
    /// </summary>
    public int ElasticSlots => _settings.WorkersPerJob;

    /// <summary>The workers started and not yet stopped, claimed or spare (REST and tests).</summary>
    public int Running
    {
        get
        {
            lock (_lock)
                return _workers.Count(w => !w.Exited);
        }
    }

    /// <summary>The gateway listens: starts the spares, which register at <paramref name="coordinator"/> (its gRPC address).</summary>
    public void Start(string coordinator)
    {
        lock (_lock)
        {
            _coordinator = coordinator;
            TopUpSpares();
        }
    }

    public IReadOnlyList<RegisteredWorker>? WorkersFor(string attemptId, int slotsNeeded, IReadOnlyList<RegisteredWorker> connected, out string reason)
    {
        ArgumentNullException.ThrowIfNull(connected);
        lock (_lock)
        {
            if (_coordinator is null || _stopped)
            {
                reason = "the gateway's local workers are not started";
                return null;
            }

            var wanted = Math.Max(Math.Min(slotsNeeded, _settings.WorkersPerJob), (slotsNeeded + SlotsPerWorker - 1) / SlotsPerWorker);
            var mine = _workers.Where(w => w.AttemptId == attemptId).ToList();
            if (mine.FirstOrDefault(w => w.Exited && !w.Stopping) is { } failed)
                throw new PyStreamException($"a local worker for this job exited {failed.Describe()} before it ran the job:\n{failed.LastLines()}");
            foreach (var spare in _workers.Where(w => w.AttemptId is null && !w.Exited).OrderByDescending(w => IsConnected(w, connected)).ToList())
            {
                if (mine.Count >= wanted)
                    break;
                spare.AttemptId = attemptId;
                mine.Add(spare);
            }

            _sparesFailing = false;
            while (mine.Count < wanted && StartWorker(attemptId) is { } started)
                mine.Add(started);
            TopUpSpares();
            var ready = mine.Select(w => connected.FirstOrDefault(c => c.Offer.InstanceId == w.InstanceId)).OfType<RegisteredWorker>().ToList();
            if (ready.Count < wanted)
            {
                reason = $"starting local worker processes: {ready.Count} of {wanted} registered";
                return null;
            }

            reason = "";
            return ready;
        }
    }

    public void Cancelling(string attemptId)
    {
        List<LocalWorker> workers;
        lock (_lock)
            workers = [.. _workers.Where(w => w.AttemptId == attemptId)];
        foreach (var worker in workers)
            worker.KillAfter(CancelGrace);
    }

    public void Released(string attemptId)
    {
        lock (_lock)
        {
            foreach (var worker in _workers.Where(w => w.AttemptId == attemptId && !w.Stopping))
                worker.Stop(StopGrace);
            Forget(_workers.Where(w => w.Exited).ToList());
        }
    }

    /// <summary>Stops every local worker (the gateway stops); those that do not stop within the grace period are killed.</summary>
    public void Dispose()
    {
        List<LocalWorker> all;
        lock (_lock)
        {
            _stopped = true;
            all = [.. _workers];
        }

        foreach (var worker in all)
            worker.Stop(StopGrace);
        foreach (var worker in all)
            worker.WaitOrKill(StopGrace);
    }

    private static bool IsConnected(LocalWorker worker, IReadOnlyList<RegisteredWorker> connected) =>
        connected.Any(c => c.Offer.InstanceId == worker.InstanceId);

    private void TopUpSpares()
    {
        var spares = _workers.Count(w => w.AttemptId is null && !w.Exited);
        for (; spares < _settings.Spares && !_sparesFailing && !_stopped; spares++)
        {
            if (StartWorker(attemptId: null) is null)
                break;
        }
    }

    /// <summary>Starts a worker process, claimed by <paramref name="attemptId"/> or a spare; null when it cannot start (logged, and the attempt fails).</summary>
    private LocalWorker? StartWorker(string? attemptId)
    {
        var instanceId = Guid.NewGuid().ToString("N");
        var start = new ProcessStartInfo(_executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--coordinator", _coordinator!, "--slots", SlotsPerWorker.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--instance-id", instanceId, "--owner-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            start.ArgumentList.Add(argument);
        start.Environment.Remove("PYSTREAM_TOKEN");
        if (_token is not null)
            start.Environment["PYSTREAM_TOKEN"] = _token;
        var worker = new LocalWorker(instanceId, attemptId, _logger);
        try
        {
            worker.Start(start);
        }
        catch (Win32Exception error)
        {
            _logger.LocalWorkerNotStarted(_executable, error.Message);
            _sparesFailing = true;
            if (attemptId is not null)
                throw new PyStreamException($"the gateway cannot start its local worker '{_executable}': {error.Message} (set PYSTREAM_WORKER, or start it with --local-workers off)");
            return null;
        }

        worker.Exit += () => WorkerExited(worker);
        _workers.Add(worker);
        return worker;
    }

    private void WorkerExited(LocalWorker worker)
    {
        if (worker.Stopping)
            return;
        _logger.LocalWorkerExited(worker.ProcessId, worker.Describe(), worker.LastLines());
        lock (_lock)
        {
            if (worker.AttemptId is null)
            {
                _sparesFailing = true; // a spare that dies by itself would die again: the next job's request starts one and reports why
                Forget([worker]);
            }
        }
    }

    private void Forget(List<LocalWorker> exited)
    {
        // Not disposed here: disposing a Process waits for its Exited handler, which may be waiting for this lock.
        foreach (var worker in exited)
            _workers.Remove(worker);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>One worker process the gateway started.</summary>
    private sealed class LocalWorker(string instanceId, string? attemptId, ILogger logger) : IDisposable
    {
        private const int SigTerm = 15;
        private readonly Queue<string> _lines = new();
        private Process? _process;
        private volatile bool _exited;
        private volatile bool _stopping;

        public string InstanceId { get; } = instanceId;

        /// <summary>The attempt it belongs to; null: a spare.</summary>
        public string? AttemptId { get; set; } = attemptId;

        public int ProcessId { get; private set; }

        public bool Exited => _exited;

        public bool Stopping => _stopping;

        public event Action? Exit;

        public void Start(ProcessStartInfo start)
        {
            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, line) => OnLine(line.Data);
            process.ErrorDataReceived += (_, line) => OnLine(line.Data);
            process.Exited += (_, _) =>
            {
                _exited = true;
                Exit?.Invoke();
            };
            process.Start();
            _process = process;
            ProcessId = process.Id;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            logger.LocalWorkerStarted(ProcessId, AttemptId ?? "a spare");
        }

        /// <summary>Asks it to stop (SIGTERM: it cancels what it runs and leaves), and kills it if it has not after <paramref name="grace"/>.</summary>
        public void Stop(TimeSpan grace)
        {
            if (_stopping)
                return;
            _stopping = true;
            if (_exited || _process is null)
                return;
            if (Kill(ProcessId, SigTerm) != 0)
                return; // already gone
            _ = Task.Delay(grace).ContinueWith(_ => WaitOrKill(TimeSpan.Zero), TaskScheduler.Default);
        }

        /// <summary>Kills it unless it exited or was stopped within <paramref name="grace"/> (its share did not end when cancelled).</summary>
        public void KillAfter(TimeSpan grace) => _ = Task.Delay(grace).ContinueWith(_ =>
        {
            if (_stopping || _exited)
                return;
            logger.LocalWorkerKilled(ProcessId, grace.TotalSeconds);
            _stopping = true;
            WaitOrKill(TimeSpan.Zero);
        }, TaskScheduler.Default);

        public void WaitOrKill(TimeSpan wait)
        {
            var process = _process;
            if (process is null || _exited)
                return;
            try
            {
                if (!process.WaitForExit(wait))
                    process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it ended meanwhile
            }
        }

        public void Dispose() => _process?.Dispose();

        public string Describe() => _process is { HasExited: true } process ? $"with status {process.ExitCode}" : "";

        public string LastLines()
        {
            lock (_lines)
                return string.Join('\n', _lines);
        }

        private void OnLine(string? line)
        {
            if (line is null)
                return;
            Console.Error.WriteLine($"[local worker {ProcessId}] {line}");
            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > LinesKept)
                    _lines.Dequeue();
            }
        }
    }
}
