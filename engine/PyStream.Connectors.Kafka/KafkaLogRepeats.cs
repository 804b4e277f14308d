using System.Runtime.CompilerServices;
using PyStream.Engine.Runtime;

namespace PyStream.Connectors.Kafka;

/// <summary>
/// The Kafka client messages a job logged lately. librdkafka repeats a message on every
/// reconnect (several a second while a broker is down) and once per client (every subtask,
/// every restart): a message is logged at most once per <see cref="Interval"/>, then once
/// more with how many were held back.
/// </summary>
internal sealed class KafkaLogRepeats(TimeProvider time, TimeSpan interval)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);

    private static readonly ConditionalWeakTable<JobEnvironment, KafkaLogRepeats> PerJob = new();

    private readonly Dictionary<string, (DateTimeOffset LoggedAt, int HeldBack)> _messages = new(StringComparer.Ordinal);

    public TimeSpan Interval { get; } = interval;

    /// <summary>The repeats of one job's clients (a job environment per job; its clock decides the interval).</summary>
    public static KafkaLogRepeats Of(JobEnvironment environment) =>
        PerJob.GetValue(environment, e => new KafkaLogRepeats(e.Time, DefaultInterval));

    /// <summary>Whether to log <paramref name="key"/> now; <paramref name="heldBack"/> says how many times it was not since.</summary>
    public bool ShouldLog(string key, out int heldBack)
    {
        var now = time.GetUtcNow();
        lock (_messages)
        {
            if (_messages.TryGetValue(key, out var last) && now - last.LoggedAt < Interval)
            {
                _messages[key] = last with { HeldBack = last.HeldBack + 1 };
                heldBack = 0;
                return false;
            }

            heldBack = last.HeldBack;
            _messages[key] = (now, 0);
            return true;
        }
    }
}
