namespace PyStream.Gateway.HighAvailability;

/// <summary>
/// How a coordinator learns that it leads (Flink's <c>LeaderElection</c>): one implementation per
/// <c>high-availability.type</c>. Only the leader serves jobs; a leader that loses the election
/// is told so and stops its jobs, which the next leader resumes.
/// </summary>
public interface ILeaderElection
{
    /// <summary>
    /// Takes part until <paramref name="cancellation"/> fires, calling <see cref="ILeaderContender.GrantLeadership"/>
    /// when this process becomes the leader and <see cref="ILeaderContender.RevokeLeadership"/> when it stops being it
    /// (and on the way out, if it leads then). Never throws for a failed attempt: it reports it and tries again.
    /// </summary>
    Task RunAsync(ILeaderContender contender, CancellationToken cancellation);
}
