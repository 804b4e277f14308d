namespace PyStream.Engine.Settings;

/// <summary>
/// Flink's other names of the keys the engine reads: a job's configuration may use Flink 1.20's
/// newer names or older ones. As in Flink, a newer name wins over the engine's key, an older one only fills it in.
/// </summary>
public static class ConfigurationAliases
{
    private static readonly (string Alias, string Key)[] Newer =
    [
        ("execution.checkpointing.dir", "state.checkpoints.dir"),
        ("execution.checkpointing.num-retained", "state.checkpoints.num-retained"),
        ("execution.checkpointing.incremental", "state.backend.incremental"),
        ("execution.checkpointing.unaligned.enabled", "execution.checkpointing.unaligned"),
    ];

    private static readonly (string Alias, string Key)[] Older =
    [
        ("state.savepoints.dir", "execution.checkpointing.savepoint-dir"),
        ("state.checkpoint-storage", "execution.checkpointing.storage"),
        ("execution.checkpointing.alignment-timeout", "execution.checkpointing.aligned-checkpoint-timeout"),
        ("restart-strategy", "restart-strategy.type"),
        ("state.backend", "state.backend.type"),
        ("execution.buffer-timeout", "execution.buffer-timeout.interval"),
    ];

    /// <summary>The configuration with every alias's value under the engine's key (the aliases stay too).</summary>
    public static IReadOnlyDictionary<string, string> Resolve(IReadOnlyDictionary<string, string> configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!Newer.Concat(Older).Any(a => configuration.ContainsKey(a.Alias)))
            return configuration;
        var resolved = configuration.ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (alias, key) in Newer)
        {
            if (configuration.TryGetValue(alias, out var value))
                resolved[key] = value;
        }

        foreach (var (alias, key) in Older)
        {
            if (configuration.TryGetValue(alias, out var value))
                resolved.TryAdd(key, value);
        }

        return resolved;
    }
}
