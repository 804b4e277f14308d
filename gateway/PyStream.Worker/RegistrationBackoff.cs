namespace PyStream.Worker;

/// <summary>
/// How long a worker waits before it tries to register again: doubling from Flink's
/// <c>cluster.registration.initial-timeout</c> (100 ms) up to its <c>cluster.registration.max-timeout</c> (30 s).
/// </summary>
public sealed class RegistrationBackoff(TimeSpan initial, TimeSpan maximum)
{
    public static readonly TimeSpan DefaultInitial = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan DefaultMaximum = TimeSpan.FromSeconds(30);

    private int _failures;

    public RegistrationBackoff() : this(DefaultInitial, DefaultMaximum) { }

    public int Failures => _failures;

    /// <summary>Counts a failed attempt and returns the wait before the next.</summary>
    public TimeSpan Next()
    {
        var doublings = Math.Min(_failures++, 30);
        var delay = initial * Math.Pow(2, doublings);
        return delay < maximum ? delay : maximum;
    }

    /// <summary>After a successful registration, the next failure starts again from the initial wait.</summary>
    public void Reset() => _failures = 0;
}
