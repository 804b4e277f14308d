namespace PyStream.Gateway.HighAvailability;

/// <summary>Flink's <c>high-availability.type</c>: how coordinators elect their leader.</summary>
public enum HighAvailabilityType
{
    /// <summary>One coordinator, always the leader; the storage lets it resume its jobs when it starts again.</summary>
    None,

    /// <summary>Coordinators compete for a <c>coordination.k8s.io/v1</c> Lease; its holder leads.</summary>
    Kubernetes,
}
