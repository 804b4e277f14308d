namespace PyStream.Gateway.HighAvailability;

/// <summary>
/// The Lease the coordinators compete for, and Flink's timings
/// (<c>high-availability.kubernetes.leader-election.*</c>, defaults 15 s, 15 s, 5 s): a holder
/// that has not renewed for <see cref="LeaseDuration"/> may be replaced; a leader that could not
/// renew for <see cref="RenewDeadline"/> gives up; every contender tries each <see cref="RetryPeriod"/>.
/// </summary>
public sealed record KubernetesLeaseSettings(string Namespace, string LeaseName, string Identity)
{
    public static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultRenewDeadline = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultRetryPeriod = TimeSpan.FromSeconds(5);

    public TimeSpan LeaseDuration { get; init; } = DefaultLeaseDuration;

    public TimeSpan RenewDeadline { get; init; } = DefaultRenewDeadline;

    public TimeSpan RetryPeriod { get; init; } = DefaultRetryPeriod;
}
