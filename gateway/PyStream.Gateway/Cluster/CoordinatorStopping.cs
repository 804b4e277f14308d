namespace PyStream.Gateway.Cluster;

/// <summary>
/// Ends the workers' heartbeat and deployment streams when the coordinator stops, once its jobs were cancelled:
/// their shares hear of it on those streams, so closing them first would leave each attempt to fail as if its
/// workers were lost (and to restart, waiting for workers that can no longer register).
/// </summary>
public sealed class CoordinatorStopping : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken Token => _stopping.Token;

    public bool IsStopping => _stopping.IsCancellationRequested;

    public void Stop() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
