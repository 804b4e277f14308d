using System.Collections.Concurrent;
using PyStream.Cluster.Protocol;
using PyStream.Engine;
using PyStream.Engine.Graph;
using PyStream.Engine.Runtime.Cluster;
using PyStream.Engine.Settings;
using PyStream.Gateway.Jobs;

namespace PyStream.Gateway.Cluster;

/// <summary>
/// The coordinator's scheduler (Flink's JobMaster scheduling with the ResourceManager's slots): places each
/// attempt's subtasks into free slots of the workers whose deployment streams are open, spread over the
/// workers before any is filled (<c>cluster.evenly-spread-out-slots</c>), with Flink's default slot sharing
/// (<see cref="SlotSharing"/>); waits for slots up to <c>slot.request.timeout</c>; deploys each worker's
/// share, relays the workers' reports to the attempt, and fails the attempt when a worker is lost.
/// A job takes slots only of workers that run no other job's subtasks, unless it and they all set
/// <see cref="SharedWorkersKey"/>: a worker embeds one CPython, and jobs on one worker would share it.
/// </summary>
public sealed class ClusterScheduler : IAttemptScheduler
{
    public const string SlotRequestTimeoutKey = "slot.request.timeout";

    /// <summary>
    /// A job's consent to run on workers that run other jobs which consent too (default false: its workers are its
    /// own). Flink needs no such setting: its Python workers are processes per job beside a shared TaskManager.
    /// </summary>
    public const string SharedWorkersKey = "pystream.cluster.shared-workers";

    private static readonly TimeSpan DefaultSlotRequestTimeout = TimeSpan.FromMinutes(5);
    internal static readonly TimeSpan SlotPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, WorkerSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ScheduledAttempt> _attempts = new(StringComparer.Ordinal);
    private readonly Lock _slots = new();
    private readonly WorkerRegistry _registry;
    private readonly IWorkerAssignment? _assignment;

    public ClusterScheduler(WorkerRegistry registry, TimeProvider time, ILogger<ClusterScheduler> logger, JobFiles? files = null, IWorkerAssignment? assignment = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        Time = time;
        Logger = logger;
        Files = files;
        _assignment = assignment;
        registry.Lost += (worker, reason) => WorkerLost(worker.Id, $"worker {worker.Id} was lost: {reason}");
    }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    /// <summary>The jobs' Python files, shipped with each share; null: jobs come without files (tests).</summary>
    internal JobFiles? Files { get; }

    public IScheduledAttempt Schedule(ClusterAttempt attempt, Action<Exception?> ended)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var timeout = SettingValues.Get(attempt.Configuration, SlotRequestTimeoutKey) is { } text
            ? Durations.Parse(text, SlotRequestTimeoutKey)
            : DefaultSlotRequestTimeout;
        var scheduled = new ScheduledAttempt(this, attempt, ended, timeout, SharesWorkers(attempt.Configuration));
        _attempts[attempt.AttemptId] = scheduled;
        _ = scheduled.PlaceAsync();
        return scheduled;
    }

    /// <summary>A worker's deployment stream opened: its slots can be used.</summary>
    internal WorkerSession Open(RegisteredWorker worker)
    {
        var session = new WorkerSession(worker);
        if (_sessions.TryRemove(worker.Id, out var earlier))
            earlier.Close();
        _sessions[worker.Id] = session;
        foreach (var attempt in _attempts.Values)
            attempt.SlotsAdded(); // an elastic job may grow
        return session;
    }

    /// <summary>A worker's deployment stream closed: what it ran is lost.</summary>
    internal void Close(WorkerSession session, string reason)
    {
        session.Close();
        if (_sessions.TryRemove(new KeyValuePair<string, WorkerSession>(session.Worker.Id, session)))
            WorkerLost(session.Worker.Id, $"worker {session.Worker.Id} was lost: its deployment stream ended ({reason})");
    }

    internal void OnReport(string workerId, WorkerReport report)
    {
        var attemptId = report.ReportCase switch
        {
            WorkerReport.ReportOneofCase.State => report.State.AttemptId,
            WorkerReport.ReportOneofCase.Output => report.Output.AttemptId,
            WorkerReport.ReportOneofCase.Results => report.Results.AttemptId,
            WorkerReport.ReportOneofCase.CheckpointAck => report.CheckpointAck.AttemptId,
            WorkerReport.ReportOneofCase.CheckpointDecline => report.CheckpointDecline.AttemptId,
            WorkerReport.ReportOneofCase.TaskFinished => report.TaskFinished.AttemptId,
            WorkerReport.ReportOneofCase.TaskEnded => report.TaskEnded.AttemptId,
            _ => null,
        };
        if (attemptId is not null && _attempts.TryGetValue(attemptId, out var attempt))
            attempt.OnReport(workerId, report);
    }

    /// <summary>Whether a job consents to share its workers (<see cref="SharedWorkersKey"/>).</summary>
    internal static bool SharesWorkers(IReadOnlyDictionary<string, string> configuration) =>
        SettingValues.Get(configuration, SharedWorkersKey) is { } text && SettingValues.Bool(text, SharedWorkersKey);

    public int SlotsFor(string jobId, IReadOnlyDictionary<string, string> configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return SlotsFor(jobId, SharesWorkers(configuration));
    }

    /// <summary>
    /// The slots job <paramref name="jobId"/> could hold now: those it holds and the free ones of the workers it may use.
    /// A gateway's local workers are started for each job, so there it is what <see cref="IWorkerAssignment.ElasticSlots"/> says.
    /// </summary>
    internal int SlotsFor(string jobId, bool sharesWorkers)
    {
        if (_assignment is not null)
            return _assignment.ElasticSlots;
        lock (_slots)
            return Connected().Where(w => w.MayHost(jobId, sharesWorkers)).Sum(w => w.FreeSlots + w.SlotsOf(jobId));
    }

    private List<RegisteredWorker> Connected() => [.. _registry.All.Where(w => _sessions.ContainsKey(w.Id))];

    internal bool Send(string workerId, DeploymentCommand command) => _sessions.TryGetValue(workerId, out var session) && session.Send(command);

    /// <summary>
    /// Takes <paramref name="needed"/> free slots of the connected workers job <paramref name="jobId"/> may use, spread
    /// over them (the first free slot of each worker, then the second, ...), or none with the reason.
    /// </summary>
    internal (List<SubtaskLocation>? Slots, string Reason) TryAllocate(int needed, string jobId, string attemptId, bool sharesWorkers)
    {
        lock (_slots)
        {
            IReadOnlyList<RegisteredWorker> workers = Connected();
            if (_assignment is not null)
            {
                var assigned = _assignment.WorkersFor(attemptId, needed, workers, out var waiting);
                if (assigned is null)
                    return (null, waiting);
                workers = assigned;
            }

            var usable = workers.Where(w => w.MayHost(jobId, sharesWorkers)).ToList();
            var free = usable.Select(w => (Worker: w, Free: w.FreeSlotIndexes())).ToList();
            var available = free.Sum(f => f.Free.Count);
            if (available < needed)
                return (null, Shortage(needed, available, usable, [.. workers.Except(usable)], sharesWorkers));
            var slots = new List<SubtaskLocation>();
            for (var round = 0; slots.Count < needed; round++)
            {
                foreach (var (worker, indexes) in free.Where(f => f.Free.Count > round))
                {
                    if (slots.Count == needed)
                        break;
                    worker.Allocate(indexes[round], jobId, sharesWorkers);
                    slots.Add(new SubtaskLocation(worker.Id, indexes[round]));
                }
            }

            return (slots, "");
        }
    }

    private static string Shortage(int needed, int available, List<RegisteredWorker> usable, List<RegisteredWorker> others, bool sharesWorkers)
    {
        var reason = $"{needed} slots needed, {available} free of {usable.Sum(w => w.Offer.Slots)} on {usable.Count} workers";
        if (others.Count == 0)
            return reason;
        var elsewhere = $"{others.Count} workers run {(sharesWorkers ? "jobs that do not share them" : "other jobs")} ({others.Sum(w => w.FreeSlots)} slots free there)";
        return sharesWorkers
            ? $"{reason} open to shared jobs; {elsewhere}"
            : $"{reason} running no other job; {elsewhere}, and jobs share workers only when each sets {SharedWorkersKey}: true";
    }

    internal void Free(IEnumerable<SubtaskLocation> slots)
    {
        lock (_slots)
        {
            foreach (var slot in slots)
                _registry.Find(slot.Worker)?.Free(slot.Slot);
        }

        foreach (var attempt in _attempts.Values)
            attempt.SlotsAdded(); // a worker another job left may now be free for an elastic job
    }

    internal string DataAddressOf(string workerId) =>
        _registry.Find(workerId)?.Offer.DataAddress ?? throw new PyStreamException($"worker {workerId} is no longer registered");

    internal void Cancelling(ScheduledAttempt attempt) => _assignment?.Cancelling(attempt.AttemptId);

    internal void Forget(ScheduledAttempt attempt)
    {
        _attempts.TryRemove(attempt.AttemptId, out _);
        _assignment?.Released(attempt.AttemptId);
    }

    private void WorkerLost(string workerId, string reason)
    {
        foreach (var attempt in _attempts.Values)
            attempt.WorkerLost(workerId, reason);
    }
}
