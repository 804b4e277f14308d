using System.Globalization;

namespace PyStream.Engine.Checkpointing;

/// <summary>
/// Whether, and after how long, a failed job restarts from its latest checkpoint: Flink's
/// restart strategies with their configuration keys and defaults. One instance per job (it counts across restarts).
/// </summary>
public abstract class RestartStrategy
{
    public const string TypeKey = "restart-strategy.type";
    private const string LegacyTypeKey = "restart-strategy";

    /// <summary>The delay before the next attempt, or null when the job must fail now.</summary>
    public abstract TimeSpan? OnFailure(DateTimeOffset now);

    public abstract string Description { get; }

    /// <summary>
    /// The configured strategy. Without one, as in Flink 1.19 and later: exponential delay when
    /// checkpointing is on, no restart otherwise.
    /// </summary>
    public static RestartStrategy From(IReadOnlyDictionary<string, string> configuration, bool checkpointing, Random? jitter = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? Get(string key) => CheckpointingOptions.Setting(configuration, key);
        TimeSpan Duration(string key, TimeSpan fallback) => Get(key) is { } text ? Durations.Parse(text, key) : fallback;
        double Number(string key, double fallback) => Get(key) is { } text
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw new PyStreamException($"{key}: '{text}' is not a number")
            : fallback;

        var type = (Get(TypeKey) ?? Get(LegacyTypeKey) ?? (checkpointing ? "exponential-delay" : "none")).ToLowerInvariant();
        return type switch
        {
            "none" or "off" or "disable" => new NoRestart(),
            "fixed-delay" or "fixeddelay" => new FixedDelay(
                Get("restart-strategy.fixed-delay.attempts") is { } attempts ? CheckpointingOptions.ParseInt(attempts, "restart-strategy.fixed-delay.attempts", 0) : 1,
                Duration("restart-strategy.fixed-delay.delay", TimeSpan.FromSeconds(1))),
            "failure-rate" or "failurerate" => new FailureRate(
                Get("restart-strategy.failure-rate.max-failures-per-interval") is { } max ? CheckpointingOptions.ParseInt(max, "restart-strategy.failure-rate.max-failures-per-interval", 1) : 1,
                Duration("restart-strategy.failure-rate.failure-rate-interval", TimeSpan.FromMinutes(1)),
                Duration("restart-strategy.failure-rate.delay", TimeSpan.FromSeconds(1))),
            "exponential-delay" or "exponentialdelay" => new ExponentialDelay(
                Duration("restart-strategy.exponential-delay.initial-backoff", TimeSpan.FromSeconds(1)),
                Duration("restart-strategy.exponential-delay.max-backoff", TimeSpan.FromMinutes(1)),
                Number("restart-strategy.exponential-delay.backoff-multiplier", 1.5),
                Duration("restart-strategy.exponential-delay.reset-backoff-threshold", TimeSpan.FromHours(1)),
                Number("restart-strategy.exponential-delay.jitter-factor", 0.1),
                jitter ?? Random.Shared),
            _ => throw new PyStreamException($"{TypeKey}: unknown restart strategy '{type}' (none, fixed-delay, failure-rate, exponential-delay)"),
        };
    }

    private sealed class NoRestart : RestartStrategy
    {
        public override TimeSpan? OnFailure(DateTimeOffset now) => null;

        public override string Description => "no restart";
    }

    private sealed class FixedDelay(int attempts, TimeSpan delay) : RestartStrategy
    {
        private int _restarts;

        public override TimeSpan? OnFailure(DateTimeOffset now) => _restarts++ < attempts ? delay : null;

        public override string Description => $"fixed delay ({attempts} attempts, {delay.TotalMilliseconds} ms apart)";
    }

    private sealed class FailureRate(int maxFailures, TimeSpan interval, TimeSpan delay) : RestartStrategy
    {
        private readonly Queue<DateTimeOffset> _failures = new();

        public override TimeSpan? OnFailure(DateTimeOffset now)
        {
            _failures.Enqueue(now);
            while (_failures.Peek() < now - interval)
                _failures.Dequeue();
            return _failures.Count <= maxFailures ? delay : null;
        }

        public override string Description => $"failure rate (at most {maxFailures} failures per {interval.TotalMilliseconds} ms)";
    }

    private sealed class ExponentialDelay(TimeSpan initial, TimeSpan max, double multiplier, TimeSpan resetThreshold, double jitterFactor, Random random) : RestartStrategy
    {
        private TimeSpan _backoff = TimeSpan.Zero;
        private DateTimeOffset? _lastFailure;

        public override TimeSpan? OnFailure(DateTimeOffset now)
        {
            if (_lastFailure is not { } last || now - last >= resetThreshold + _backoff)
                _backoff = initial;
            else
                _backoff = TimeSpan.FromTicks((long)Math.Min(max.Ticks, _backoff.Ticks * multiplier));
            _lastFailure = now;
            var jitter = _backoff.Ticks * jitterFactor * ((random.NextDouble() * 2) - 1);
            return TimeSpan.FromTicks(Math.Max(0, (long)(_backoff.Ticks + jitter)));
        }

        public override string Description => $"exponential delay ({initial.TotalMilliseconds} ms up to {max.TotalMilliseconds} ms)";
    }
}
