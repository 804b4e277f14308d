using PyStream.Engine.State;
using PyStream.Engine.UserCode;

namespace PyStream.State.RocksDb;

/// <summary>
/// Flink's EmbeddedRocksDBStateBackend: keyed state of each subtask in its own RocksDB
/// instance on local disk (<c>state.backend.rocksdb.localdir</c>, else the temp folder),
/// removed when the subtask ends.
/// </summary>
public sealed class RocksDbStateBackend : IStateBackendFactory
{
    public const string Name = "rocksdb";
    public const string LocalDirKey = "state.backend.rocksdb.localdir";

    public IKeyedStateStore Create(string jobId, TaskInfo task, IReadOnlyDictionary<string, string> configuration)
    {
        var root = configuration.TryGetValue(LocalDirKey, out var configured) && configured.Length > 0
            ? configured
            : Path.Combine(Path.GetTempPath(), "pystream-rocksdb");
        var directory = Path.Combine(root, jobId, $"{Sanitize(task.TaskName)}-{task.SubtaskIndex}-{Guid.NewGuid():N}");
        return new RocksDbKeyedStateStore(directory);
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

    private static string Sanitize(string name) =>
        new(name.Select(c => char.IsLetterOrDigit(c) ? c : '_').Take(40).ToArray());
}
