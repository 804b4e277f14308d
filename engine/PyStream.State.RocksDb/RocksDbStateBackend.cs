using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.State;

namespace PyStream.State.RocksDb;

/// <summary>
/// Flink's EmbeddedRocksDBStateBackend: keyed state of each subtask in its own RocksDB
/// instance on local disk (<c>state.backend.rocksdb.localdir</c>, else the temp folder),
/// removed when the subtask ends. Restores from canonical snapshots at any parallelism and
/// from incremental ones either directly (same subtask, same key groups) or by reading
/// each old database and keeping this subtask's key groups.
/// </summary>
public sealed class RocksDbStateBackend : IStateBackendFactory
{
    public const string Name = "rocksdb";
    public const string LocalDirKey = "state.backend.rocksdb.localdir";

    public IKeyedStateStore Create(string jobId, TaskInfo task, IReadOnlyDictionary<string, string> configuration, TaskRestore? restore = null)
    {
        var root = configuration.TryGetValue(LocalDirKey, out var configured) && configured.Length > 0
            ? configured
            : Path.Combine(Path.GetTempPath(), "pystream-rocksdb");
        var directory = Path.Combine(root, jobId, $"{Sanitize(task.TaskName)}-{task.SubtaskIndex}-{Guid.NewGuid():N}");
        if (restore is null)
            return new RocksDbKeyedStateStore(directory);

        var sources = restore.RelevantKeyedSources.ToList();
        if (sources is [{ Incremental: { } only } source] && source.KeyGroupStart == restore.KeyGroups.Start && source.KeyGroupEnd == restore.KeyGroups.End
            && only.StateIds.All(id => restore.Wants(source, id, restore.KeyGroups.Start)))
        {
            try
            {
                LinkFiles(restore.Directory, only, directory);
                return new RocksDbKeyedStateStore(directory, only.StateIds);
            }
            catch
            {
                if (Directory.Exists(directory))
                    Directory.Delete(directory, recursive: true);
                throw;
            }
        }

        var store = new RocksDbKeyedStateStore(directory);
        try
        {
            foreach (var old in sources)
            {
                if (old.Incremental is { } incremental)
                {
                    var scratch = directory + ".restore";
                    try
                    {
                        LinkFiles(restore.Directory, incremental, scratch);
                        foreach (var (stateId, key, value) in RocksDbKeyedStateStore.ReadAll(scratch))
                        {
                            if (restore.Wants(old, stateId, StateKeys.KeyGroupOf(stateId, key, restore.MaxParallelism)))
                                store.Put(stateId, key, value);
                        }
                    }
                    finally
                    {
                        if (Directory.Exists(scratch))
                            Directory.Delete(scratch, recursive: true);
                    }
                }
                else
                {
                    foreach (var entry in restore.FullEntries(old))
                        store.Put(entry.StateId, entry.Key, entry.Value);
                }
            }
        }
        catch
        {
            store.Dispose();
            throw;
        }

        return store;
    }

    /// <summary>The backends of <see cref="StateBackends.Default"/> plus this one.</summary>
    public static IReadOnlyDictionary<string, IStateBackendFactory> WithDefaults()
    {
        var all = new Dictionary<string, IStateBackendFactory>(StateBackends.Default, StringComparer.OrdinalIgnoreCase)
        {
            [Name] = new RocksDbStateBackend(),
        };
        return all;
    }

    /// <summary>A database directory made of an incremental checkpoint's files: SST files hard-linked (RocksDB never changes them), the rest copied.</summary>
    private static void LinkFiles(string checkpointDirectory, IncrementalStateHandle handle, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in handle.Files)
        {
            var source = Path.GetFullPath(Path.Combine(checkpointDirectory, file.Path));
            var copy = Path.Combine(target, Path.GetFileName(file.Path));
            if (file.Path.EndsWith(".sst", StringComparison.Ordinal) || file.Path.EndsWith(".blob", StringComparison.Ordinal))
                SnapshotFiles.LinkOrCopy(source, copy);
            else
                File.Copy(source, copy);
        }
    }

    private static string Sanitize(string name) =>
        new(name.Select(c => char.IsLetterOrDigit(c) ? c : '_').Take(40).ToArray());
}
