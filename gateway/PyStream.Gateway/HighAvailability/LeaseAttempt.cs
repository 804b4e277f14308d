namespace PyStream.Gateway.HighAvailability;

/// <summary>What one attempt on the Lease found.</summary>
public enum LeaseAttempt
{
    /// <summary>This candidate holds the Lease: it took it (it was free or expired) or renewed it.</summary>
    Held,

    /// <summary>Another candidate holds it and has renewed it within the lease duration.</summary>
    HeldByAnother,

    /// <summary>The call failed (the API server did not answer, or another candidate wrote first): try again.</summary>
    Failed,
}
