using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace PyStream.Gateway.HighAvailability;

/// <summary>
/// <c>high-availability.type: kubernetes</c>: coordinators compete for one
/// <c>coordination.k8s.io/v1</c> Lease, as Kubernetes' own controllers do. Every
/// <see cref="KubernetesLeaseSettings.RetryPeriod"/> each reads the Lease; the holder renews it,
/// the others take it once it has not changed for <see cref="KubernetesLeaseSettings.LeaseDuration"/>
/// (by their own clock, since the pods' clocks may disagree). Every write carries the
/// <c>resourceVersion</c> it read, so of two candidates writing at once the API server accepts one
/// (the other gets 409 Conflict). A leader that sees another holder stops at once; one that cannot
/// renew for <see cref="KubernetesLeaseSettings.RenewDeadline"/> stops too.
/// </summary>
public sealed class KubernetesLeaseElection(IKubernetes client, KubernetesLeaseSettings settings, TimeProvider time, ILogger log) : ILeaderElection
{
    private string? _observedVersion;
    private DateTimeOffset _observedAt;

    public string Identity => settings.Identity;

    /// <summary>
    /// The Kubernetes API of <c>KUBECONFIG</c> or <c>~/.kube/config</c> when there is one, else of the
    /// pod's own cluster (its service account). Throws <see cref="k8s.Exceptions.KubeConfigException"/> when there is neither.
    /// </summary>
    public static IKubernetes ConnectFromEnvironment() => new Kubernetes(KubernetesClientConfiguration.BuildDefaultConfig());

    public async Task RunAsync(ILeaderContender contender, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(contender);
        var leading = false;
        var renewed = DateTimeOffset.MinValue;
        while (!cancellation.IsCancellationRequested)
        {
            var attempt = await TryAcquireOrRenewAsync(cancellation).ConfigureAwait(false);
            var now = time.GetUtcNow();
            if (attempt == LeaseAttempt.Held)
            {
                renewed = now;
                if (!leading)
                {
                    leading = true;
                    log.LeadershipGranted(Identity, settings.LeaseName);
                    contender.GrantLeadership();
                }
            }
            else if (leading && (attempt == LeaseAttempt.HeldByAnother || now - renewed >= settings.RenewDeadline))
            {
                leading = false;
                log.LeadershipLost(Identity, settings.LeaseName, attempt == LeaseAttempt.HeldByAnother
                    ? "another coordinator holds the lease"
                    : $"could not renew it for {settings.RenewDeadline.TotalSeconds:0.###} s");
                contender.RevokeLeadership();
            }

            try
            {
                await Task.Delay(settings.RetryPeriod, time, cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        if (leading)
        {
            contender.RevokeLeadership();
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One read and, when this candidate may hold the Lease, one write. Never throws but for cancellation.</summary>
    public async Task<LeaseAttempt> TryAcquireOrRenewAsync(CancellationToken cancellation)
    {
        try
        {
            var now = time.GetUtcNow();
            var lease = await ReadAsync(cancellation).ConfigureAwait(false);
            if (lease is null)
            {
                var created = await client.CoordinationV1.CreateNamespacedLeaseAsync(
                    new V1Lease { Metadata = new V1ObjectMeta { Name = settings.LeaseName }, Spec = Claim(new V1LeaseSpec(), now, taking: true) },
                    settings.Namespace, cancellationToken: cancellation).ConfigureAwait(false);
                Observe(created, now);
                return LeaseAttempt.Held;
            }

            if (lease.Metadata?.ResourceVersion != _observedVersion)
                Observe(lease, now);
            var spec = lease.Spec ?? new V1LeaseSpec();
            var mine = spec.HolderIdentity == Identity;
            var duration = spec.LeaseDurationSeconds is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : settings.LeaseDuration;
            if (!mine && !string.IsNullOrEmpty(spec.HolderIdentity) && now < _observedAt + duration)
                return LeaseAttempt.HeldByAnother;

            lease.Spec = Claim(spec, now, taking: !mine);
            var replaced = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, settings.LeaseName, settings.Namespace, cancellationToken: cancellation)
                .ConfigureAwait(false);
            Observe(replaced, now);
            return LeaseAttempt.Held;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return LeaseAttempt.Failed; // another candidate wrote first; the next read shows who
        }
        catch (Exception error) when (error is HttpOperationException or HttpRequestException or OperationCanceledException or IOException)
        {
            log.LeaseCallFailed(settings.LeaseName, Describe(error));
            return LeaseAttempt.Failed;
        }
    }

    private async Task<V1Lease?> ReadAsync(CancellationToken cancellation)
    {
        try
        {
            return await client.CoordinationV1.ReadNamespacedLeaseAsync(settings.LeaseName, settings.Namespace, cancellationToken: cancellation).ConfigureAwait(false);
        }
        catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private V1LeaseSpec Claim(V1LeaseSpec spec, DateTimeOffset now, bool taking)
    {
        spec.HolderIdentity = Identity;
        spec.LeaseDurationSeconds = (int)Math.Ceiling(settings.LeaseDuration.TotalSeconds);
        spec.RenewTime = now.UtcDateTime;
        if (taking)
        {
            spec.AcquireTime = now.UtcDateTime;
            spec.LeaseTransitions = spec.LeaseTransitions is { } transitions ? transitions + 1 : 0; // a new Lease starts at 0
        }

        return spec;
    }

    private void Observe(V1Lease lease, DateTimeOffset now)
    {
        _observedVersion = lease.Metadata?.ResourceVersion;
        _observedAt = now;
    }

    /// <summary>A leader that stops gives the Lease up, so a standby takes over at its next try instead of after the lease duration.</summary>
    private async Task ReleaseAsync()
    {
        using var bounded = new CancellationTokenSource(settings.RenewDeadline);
        try
        {
            var lease = await ReadAsync(bounded.Token).ConfigureAwait(false);
            if (lease?.Spec?.HolderIdentity != Identity)
                return;
            lease.Spec.HolderIdentity = null;
            lease.Spec.LeaseDurationSeconds = 1;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, settings.LeaseName, settings.Namespace, cancellationToken: bounded.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is HttpOperationException or HttpRequestException or OperationCanceledException or IOException)
        {
            log.LeaseCallFailed(settings.LeaseName, Describe(error)); // it expires by itself
        }
    }

    private static string Describe(Exception error) => error is HttpOperationException http
        ? $"{(int)http.Response.StatusCode} {http.Response.StatusCode}: {Shorten(http.Response.Content)}"
        : error.Message;

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 200 ? text : text[..200] + "...";
}
