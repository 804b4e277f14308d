using PyStream.Engine.State;

namespace PyStream.Engine.Checkpointing;

/// <summary>Makes the keyed state store of one subtask.</summary>
public interface IStateBackendFactory
{
    /// <summary>A new store, filled with <paramref name="restore"/>'s keyed state when given.</summary>
    IKeyedStateStore Create(string jobId, TaskInfo task, IReadOnlyDictionary<string, string> configuration, TaskRestore? restore = null);
}

/// <summary>The state backends a host offers, by the names Flink's <c>state.backend.type</c> uses.</summary>
public static class StateBackends
{
    public const string ConfigKey = "state.backend.type";

    public static IStateBackendFactory Heap { get; } = new HeapFactory();

    /// <summary>What every host has: the heap backend (Flink's hashmap, and its legacy names).</summary>
    public static IReadOnlyDictionary<string, IStateBackendFactory> Default { get; } = new Dictionary<string, IStateBackendFactory>(StringComparer.OrdinalIgnoreCase)
    {
        ["hashmap"] = Heap,
        ["memory"] = Heap,
        ["filesystem"] = Heap,
        ["jobmanager"] = Heap,
    };

    /// <summary>The backend a job's configuration names (hashmap when it names none).</summary>
    public static IStateBackendFactory Choose(IReadOnlyDictionary<string, IStateBackendFactory> available, IReadOnlyDictionary<string, string> configuration)
    {
        var name = configuration.TryGetValue(ConfigKey, out var configured) && configured.Length > 0 ? configured : "hashmap";
        return available.TryGetValue(name, out var factory)
            ? factory
            : throw new PyStreamException($"state backend '{name}' is not available here (available: {string.Join(", ", available.Keys.Order(StringComparer.Ordinal))})");
    }

    private sealed class HeapFactory : IStateBackendFactory
    {
        public IKeyedStateStore Create(string jobId, TaskInfo task, IReadOnlyDictionary<string, string> configuration, TaskRestore? restore = null)
        {
            var store = new HeapKeyedStateStore();
            if (restore is not null)
            {
                foreach (var entry in restore.FullEntries())
                    store.Put(entry.StateId, entry.Key, entry.Value);
            }

            return store;
        }
    }
}
