using PyStream.Engine.Checkpointing;
using PyStream.Engine.State;

namespace PyStream.Engine.Runtime;

/// <summary>
/// Writes one subtask's snapshot: operator state (timers, windows, positions, transactions)
/// and keyed state, either in the canonical format or, for incremental RocksDB checkpoints,
/// as the store's native files, linking only files no earlier checkpoint has.
/// </summary>
internal sealed class TaskSnapshotter(TaskContext context, IReadOnlyList<string> operatorKeys, int chainIndex, bool incremental, ICheckpointAcknowledger acknowledger,
    bool finalState)
{
    // Immutable files already in the shared directory, with their descriptions.
    private readonly Dictionary<string, FileRef> _shared = new(StringComparer.Ordinal);

    /// <summary>Snapshots the chain for <paramref name="barrier"/>, whose barriers took <paramref name="alignment"/> to arrive on every input.</summary>
    public void Snapshot(CheckpointBarrier barrier, ChainAssembly chain, TimeSpan alignment)
    {
        using var span = Telemetry.EngineTelemetry.Activities.StartActivity("task snapshot", System.Diagnostics.ActivityKind.Internal, acknowledger.TraceOf(barrier.Id))
            ?.SetTag("pystream.task", context.Info.TaskName).SetTag("pystream.subtask", context.Info.SubtaskIndex);
        var time = context.Time;
        var started = time.GetTimestamp();
        var states = SnapshotOperators(barrier, chain);
        var written = time.GetTimestamp();
        TaskStateHandle handle;
        try
        {
            handle = Write(states, acknowledger.DirectoryOf(barrier.Id), "", nativeIncremental: incremental && !barrier.IsSavepoint);
        }
        catch (Exception error)
        {
            // Storage trouble (or the checkpoint aborted under us) declines the checkpoint; the task goes on.
            acknowledger.Decline(barrier.Id, new PyStreamException($"task '{context.Info.TaskName}' (subtask {context.Info.SubtaskIndex + 1}) could not write its state: {error.Message}", error));
            return;
        }

        var stats = new SubtaskCheckpointStats(chainIndex, context.Info.TaskName, context.Info.SubtaskIndex, time.GetUtcNow().ToUnixTimeMilliseconds(),
            (long)alignment.TotalMilliseconds, (long)time.GetElapsedTime(started, written).TotalMilliseconds, (long)time.GetElapsedTime(written).TotalMilliseconds,
            handle.Files().Sum(f => f.Size));
        acknowledger.Acknowledge(barrier.Id, handle, stats);
    }

    /// <summary>
    /// The task has finished: its final state is written once, and every later checkpoint of
    /// this run refers to it (as Flink keeps checkpointing after some tasks finished).
    /// </summary>
    public void SnapshotFinished(ChainAssembly chain)
    {
        if (!finalState)
            return;
        var states = SnapshotOperators(new CheckpointBarrier(long.MaxValue, 0, SnapshotKind.Checkpoint), chain);
        var directory = acknowledger.FinishedDirectory;
        Directory.CreateDirectory(directory);
        acknowledger.TaskFinished(Write(states, directory, "../" + Path.GetFileName(directory) + "/", nativeIncremental: false));
    }

    private static Dictionary<string, byte[]> SnapshotOperators(CheckpointBarrier barrier, ChainAssembly chain)
    {
        var states = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var op in chain.Operators)
            op.SnapshotState(barrier, states);
        return states;
    }

    /// <summary>Writes the files into <paramref name="directory"/>; handles name them with <paramref name="prefix"/> before the file name.</summary>
    private TaskStateHandle Write(Dictionary<string, byte[]> states, string directory, string prefix, bool nativeIncremental)
    {
        var info = context.Info;
        var range = Keys.KeyGroupRange.Of(info.MaxParallelism, info.Parallelism, info.SubtaskIndex);
        var stateIds = context.State.StateIds.ToList();
        var handle = new TaskStateHandle
        {
            Chain = info.TaskName,
            ChainIndex = chainIndex,
            Subtask = info.SubtaskIndex,
            Parallelism = info.Parallelism,
            KeyGroupStart = range.Start,
            KeyGroupEnd = range.End,
            Operators = [.. operatorKeys],
            StatefulOperators = operatorKeys.Where(k => states.ContainsKey(k) || stateIds.Any(id => StateKeys.BelongsTo(id, k))).ToList(),
            HasBroadcastState = stateIds.Any(id => StateKeys.KindOf(id) == StateKind.Broadcast),
        };
        var name = $"task-{chainIndex}-{info.SubtaskIndex}";
        if (states.Count > 0)
            handle.OperatorState = Prefixed(OperatorStateFile.Write(directory, name + ".op", states), prefix);
        if (stateIds.Count > 0)
        {
            if (nativeIncremental && context.State is IIncrementalSnapshotStore native)
                handle.Incremental = WriteIncremental(native, directory, name, stateIds);
            else
                handle.KeyedState = Prefixed(KeyedStateFile.Write(directory, name + ".kv", context.State, info.MaxParallelism, context.StateTtls, context.Timers.Now), prefix);
        }

        return handle;
    }

    private static FileRef Prefixed(FileRef file, string prefix) => file with { Path = prefix + file.Path };

    private IncrementalStateHandle WriteIncremental(IIncrementalSnapshotStore store, string directory, string name, List<string> stateIds)
    {
        var local = Path.Combine(directory, name + ".rocksdb");
        var shared = Path.Combine(acknowledger.SharedDirectory, store.StoreId);
        Directory.CreateDirectory(shared);
        var handle = new IncrementalStateHandle { StateIds = stateIds };
        foreach (var file in store.CheckpointTo(local))
        {
            var path = Path.Combine(local, file);
            if (!store.IsImmutable(file))
            {
                handle.Files.Add(new FileRef($"{name}.rocksdb/{file}", new FileInfo(path).Length, SnapshotFiles.Sha256File(path)));
                continue;
            }

            if (!_shared.TryGetValue(file, out var reference))
            {
                var target = Path.Combine(shared, file);
                if (!File.Exists(target))
                    SnapshotFiles.LinkOrCopy(path, target);
                var relative = Path.GetRelativePath(directory, target);
                _shared[file] = reference = new FileRef(relative, new FileInfo(target).Length, SnapshotFiles.Sha256File(target));
            }

            File.Delete(path);
            handle.Files.Add(reference);
        }

        return handle;
    }
}
