namespace PyStream.Gateway.HighAvailability;

/// <summary>
/// <c>--ha-storage DIR</c> (Flink's <c>high-availability.storageDir</c>: the running jobs and their
/// checkpoints, on storage every coordinator mounts at the same path) and <c>--ha none|kubernetes</c>
/// (<c>high-availability.type</c>), with the Lease's options for <c>kubernetes</c>.
/// </summary>
public sealed record HighAvailabilitySettings(string StorageDirectory, HighAvailabilityType Type, KubernetesLeaseSettings? Lease)
{
    /// <summary>Where a pod finds its namespace (the service account's files).</summary>
    public const string NamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    public const string DefaultClusterId = "pystream";

    /// <summary>The options read here; each takes a value.</summary>
    public static readonly IReadOnlySet<string> Options = new HashSet<string>(StringComparer.Ordinal)
    {
        "--ha-storage", "--ha", "--kubernetes-namespace", "--kubernetes-cluster-id", "--lease-duration", "--renew-deadline", "--retry-period",
    };

    /// <summary>Reads the options wherever they stand; null without <c>--ha-storage</c>. Throws <see cref="ArgumentException"/> with what is wrong.</summary>
    public static HighAvailabilitySettings? Parse(IReadOnlyList<string> args, string? podNamespace, string identity)
    {
        ArgumentNullException.ThrowIfNull(args);
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (Options.Contains(args[i]))
                given[args[i]] = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        }

        var type = given.GetValueOrDefault("--ha", "none") switch
        {
            "none" or "NONE" => HighAvailabilityType.None,
            "kubernetes" or "KUBERNETES" => HighAvailabilityType.Kubernetes,
            var other => throw new ArgumentException($"--ha must be none or kubernetes, not '{other}'"),
        };
        if (!given.TryGetValue("--ha-storage", out var storage))
        {
            if (given.Count > 0)
                throw new ArgumentException($"{given.Keys.First()} needs --ha-storage DIR: the jobs of a coordinator with high availability are kept there");
            return null;
        }

        if (storage.Length == 0)
            throw new ArgumentException("--ha-storage needs a directory");
        var leaseOptions = given.Keys.Where(k => k is not ("--ha-storage" or "--ha")).ToList();
        if (type == HighAvailabilityType.None)
        {
            return leaseOptions.Count == 0
                ? new HighAvailabilitySettings(Path.GetFullPath(storage), type, null)
                : throw new ArgumentException($"{leaseOptions[0]} is an option of --ha kubernetes");
        }

        var clusterId = given.GetValueOrDefault("--kubernetes-cluster-id", DefaultClusterId);
        // The Lease's name must be a DNS label (RFC 1123): lower case, digits and '-', at most 63 characters with "-leader".
        if (clusterId.Length is 0 or > 56 || !clusterId.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') || clusterId[0] == '-' || clusterId[^1] == '-')
            throw new ArgumentException($"--kubernetes-cluster-id must be lower-case letters, digits and '-' (1 to 56, not starting or ending with '-'), not '{clusterId}'");
        var lease = new KubernetesLeaseSettings(given.GetValueOrDefault("--kubernetes-namespace") ?? podNamespace ?? "default", $"{clusterId}-leader", identity)
        {
            LeaseDuration = Duration(given, "--lease-duration", KubernetesLeaseSettings.DefaultLeaseDuration),
            RenewDeadline = Duration(given, "--renew-deadline", KubernetesLeaseSettings.DefaultRenewDeadline),
            RetryPeriod = Duration(given, "--retry-period", KubernetesLeaseSettings.DefaultRetryPeriod),
        };
        if (lease.RenewDeadline > lease.LeaseDuration)
            throw new ArgumentException($"--renew-deadline ({lease.RenewDeadline.TotalSeconds:0.###} s) must not be longer than --lease-duration ({lease.LeaseDuration.TotalSeconds:0.###} s)");
        if (lease.RetryPeriod >= lease.RenewDeadline)
            throw new ArgumentException($"--retry-period ({lease.RetryPeriod.TotalSeconds:0.###} s) must be shorter than --renew-deadline ({lease.RenewDeadline.TotalSeconds:0.###} s)");
        return new HighAvailabilitySettings(Path.GetFullPath(storage), type, lease);
    }

    private static TimeSpan Duration(Dictionary<string, string> given, string name, TimeSpan fallback) =>
        given.TryGetValue(name, out var text) ? GatewayOptions.PositiveDuration(text, name) : fallback;
}
