namespace PyStream.Gateway.HighAvailability;

/// <summary>
/// <c>high-availability.type: none</c>: a single coordinator, the leader from its start to its end
/// (Flink's standalone leader election). With a storage directory it still resumes the stored jobs
/// when it starts again.
/// </summary>
public sealed class AlwaysLeader : ILeaderElection
{
    public async Task RunAsync(ILeaderContender contender, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(contender);
        contender.GrantLeadership();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }
}
