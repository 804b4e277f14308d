using System.Globalization;
using PyStream.Engine.Settings;

namespace PyStream.Engine.Checkpointing;

/// <summary>
/// Whether, and after how long, a failed job restarts from its latest checkpoint: Flink's
/// restart strategies with their configuration keys and defaults. One instance per job (it counts across restarts).
/// </summary>
public abstract class RestartStrategy
{
    public const string TypeKey = "restart-strategy.type";

    private const string FixedAttemptsKey = "restart-strategy.fixed-delay.attempts";
    private const string FixedDelayKey = "restart-strategy.fixed-delay.delay";
    private const string RateMaxFailuresKey = "restart-strategy.failure-rate.max-failures-per-interval";
    private const string RateIntervalKey = "restart-strategy.failure-rate.failure-rate-interval";
    private const string RateDelayKey = "restart-strategy.failure-rate.delay";
    private const string InitialBackoffKey = "restart-strategy.exponential-delay.initial-backoff";
    private const string MaxBackoffKey = "restart-strategy.exponential-delay.max-backoff";
    private const string MultiplierKey = "restart-strategy.exponential-delay.backoff-multiplier";
    private const string ResetThresholdKey = "restart-strategy.exponential-delay.reset-backoff-threshold";
    private const string JitterKey = "restart-strategy.exponential-delay.jitter-factor";

    /// <summary>The delay before the next attempt, or null when the job must fail now.</summary>
    public abstract TimeSpan? OnFailure(DateTimeOffset now);

    public abstract string Description { get; }

    /// <summary>The strategy as Flink's keys with the values in effect (durations in milliseconds, defaults filled in).</summary>
    public abstract IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>
    /// The configured strategy. Without one, as in Flink 1.19 and later: exponential delay when
    /// checkpointing is on, no restart otherwise.
    /// </summary>
    public static RestartStrategy From(IReadOnlyDictionary<string, string> configuration, bool checkpointing, Random? jitter = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? Get(string key) => SettingValues.Get(configuration, key);
        TimeSpan Duration(string key, TimeSpan fallback, TimeSpan minimum)
        {
            if (Get(key) is not { } text)
                return fallback;
            var duration = Durations.Parse(text, key);
            return duration >= minimum ? duration : throw new PyStreamException($"{key}: '{text}' is shorter than the minimum of {minimum.TotalMilliseconds} ms");
        }

        int Int(string key, int minimum, int fallback) => Get(key) is { } text ? SettingValues.Int(text, key, minimum) : fallback;
        double Number(string key, double fallback) => Get(key) is { } text ? SettingValues.Number(text, key) : fallback;

        var configured = Get(TypeKey); // the configuration's aliases are resolved (the older "restart-strategy" is this key)
        var type = configured ?? (checkpointing ? "exponential-delay" : "none");
        switch (type.ToLowerInvariant())
        {
            case "none" or "off" or "disable":
                return new NoRestart();
            case "fixed-delay" or "fixeddelay":
                return new FixedDelay(Int(FixedAttemptsKey, 0, 1), Duration(FixedDelayKey, TimeSpan.FromSeconds(1), TimeSpan.Zero));
            case "failure-rate" or "failurerate":
                return new FailureRate(
                    Int(RateMaxFailuresKey, 1, 1),
                    Duration(RateIntervalKey, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(1)),
                    Duration(RateDelayKey, TimeSpan.FromSeconds(1), TimeSpan.Zero));
            case "exponential-delay" or "exponentialdelay":
                var initial = Duration(InitialBackoffKey, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1));
                var max = Duration(MaxBackoffKey, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(1));
                if (initial > max)
                    throw new PyStreamException($"{InitialBackoffKey}: '{Get(InitialBackoffKey) ?? "1 s"}' is higher than {MaxBackoffKey} '{Get(MaxBackoffKey) ?? "1 min"}'");
                var multiplier = Number(MultiplierKey, 1.5);
                if (multiplier <= 1)
                    throw new PyStreamException($"{MultiplierKey}: '{Get(MultiplierKey)}' must be greater than 1");
                var jitterFactor = Number(JitterKey, 0.1);
                if (jitterFactor is < 0 or > 1)
                    throw new PyStreamException($"{JitterKey}: '{Get(JitterKey)}' must be between 0 and 1");
                return new ExponentialDelay(initial, max, multiplier,
                    Duration(ResetThresholdKey, TimeSpan.FromHours(1), TimeSpan.FromMilliseconds(1)), jitterFactor, jitter ?? Random.Shared);
            default:
                throw new PyStreamException($"{TypeKey}: '{configured}' is not a restart strategy (none, fixed-delay, failure-rate, exponential-delay)");
        }
    }

    private static string Millis(TimeSpan duration) => Durations.ToMillis(duration).ToString(CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private sealed class NoRestart : RestartStrategy
    {
        public override TimeSpan? OnFailure(DateTimeOffset now) => null;

        public override string Description => "no restart";

        public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { [TypeKey] = "none" };
    }

    private sealed class FixedDelay(int attempts, TimeSpan delay) : RestartStrategy
    {
        private int _restarts;

        public override TimeSpan? OnFailure(DateTimeOffset now) => _restarts++ < attempts ? delay : null;

        public override string Description => $"fixed delay ({attempts} attempts, {delay.TotalMilliseconds} ms apart)";

        public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
        {
            [TypeKey] = "fixed-delay",
            [FixedAttemptsKey] = attempts.ToString(CultureInfo.InvariantCulture),
            [FixedDelayKey] = Millis(delay),
        };
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

        public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
        {
            [TypeKey] = "failure-rate",
            [RateMaxFailuresKey] = maxFailures.ToString(CultureInfo.InvariantCulture),
            [RateIntervalKey] = Millis(interval),
            [RateDelayKey] = Millis(delay),
        };
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

        public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
        {
            [TypeKey] = "exponential-delay",
            [InitialBackoffKey] = Millis(initial),
            [MaxBackoffKey] = Millis(max),
            [MultiplierKey] = Number(multiplier),
            [ResetThresholdKey] = Millis(resetThreshold),
            [JitterKey] = Number(jitterFactor),
        };
    }
}
