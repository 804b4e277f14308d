namespace PyStream.Gateway.Cluster;

/// <summary>
/// <c>--local-workers</c> (issue 16's <c>pystream.local.workers</c>): how many worker processes of its own the gateway
/// may give one job attempt (<c>auto</c>: one per core), and how many it keeps started and idle for the next attempt.
/// </summary>
public sealed record LocalWorkerSettings(int WorkersPerJob, int Spares)
{
    public const int DefaultSpares = 1;

    /// <summary><c>auto</c>, a number, or <c>0</c>/<c>off</c>: null (the jobs' Python runs in the gateway, as before).</summary>
    public static int? ParseCount(string text, int cores)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToLowerInvariant() switch
        {
            "auto" => cores,
            "off" or "0" => null,
            var number when int.TryParse(number, out var count) && count > 0 => count,
            _ => throw new ArgumentException($"--local-workers needs auto, a number of workers, or 0/off, not '{text}'"),
        };
    }
}
