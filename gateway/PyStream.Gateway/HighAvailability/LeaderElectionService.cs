using PyStream.Gateway.Jobs;

namespace PyStream.Gateway.HighAvailability;

/// <summary>
/// Runs the gateway's leader election for as long as the gateway runs, with the job registry as
/// the contender. The election starts on the host's own thread (not a background one), so a single
/// gateway has resumed its stored jobs before it serves its first request.
/// </summary>
internal sealed class LeaderElectionService(ILeaderElection election, JobRegistry jobs) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _running = election.RunAsync(jobs, _stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();
}
