namespace PyStream.Gateway.HighAvailability;

/// <summary>What takes part in a leader election (Flink's <c>LeaderContender</c>): the coordinator's job service.</summary>
public interface ILeaderContender
{
    /// <summary>This process now leads: resume the stored jobs and accept new ones.</summary>
    void GrantLeadership();

    /// <summary>This process no longer leads: stop the jobs here (keeping them stored) and refuse new ones.</summary>
    void RevokeLeadership();
}
