using System.Text.RegularExpressions;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace PyStream.Connectors.Kafka;

/// <summary>
/// One Kafka client's librdkafka log on the job's <see cref="ILogger"/>. A broker that does not
/// answer becomes one line naming the address, the reason and what the connector does about it
/// (<paramref name="retrying"/>, asked when the line is written); other errors are logged as
/// librdkafka words them, without its thread names and timings, and repeats are held back
/// (<see cref="KafkaLogRepeats"/>). librdkafka's chatter below error level goes nowhere.
/// </summary>
internal sealed partial class KafkaClientLog(ILogger log, KafkaLogRepeats repeats, string client, string servers, Func<string> retrying)
{
    private volatile string? _unreachable;

    /// <summary>Why the broker did not answer, as librdkafka last said (e.g. "Connection refused"); null if it never failed.</summary>
    public string? UnreachableReason => _unreachable;

    public void OnLog(IClient client, LogMessage message)
    {
        if (message.Level <= SyslogLevel.Error)
            Report(message.Message);
    }

    public void Report(string message)
    {
        var text = Variable().Replace(message, "");
        var unreachable = Unreachable().Match(text);
        if (unreachable.Success)
        {
            var reason = unreachable.Groups["reason"].Value.Trim();
            if (unreachable.Groups["connect"].Success || _unreachable is null)
                _unreachable = reason;
            if (repeats.ShouldLog(client + "\nunreachable", out _))
                log.BrokerUnreachable(client, servers, _unreachable, retrying());
            return;
        }

        if (repeats.ShouldLog(client + "\n" + text, out var heldBack))
            log.ClientError(client, heldBack > 0 ? $"{text} ({heldBack} more times since it was last reported)" : text);
    }

    /// <summary>What librdkafka says when it cannot reach a broker: a refused or failed connection, an unknown host, all brokers down.</summary>
    [GeneratedRegex(@"(?<connect>Connect to \S+ failed: )(?<reason>.+)|Failed to resolve '[^']*': (?<reason>.+)|(?<reason>\d+/\d+ brokers are down)")]
    private static partial Regex Unreachable();

    /// <summary>The parts of a librdkafka message that change from one repeat to the next.</summary>
    [GeneratedRegex(@"^\[thrd:[^\]]*\]: |\s*\(after \d+ms in state \w+(, \d+ identical error\(s\) suppressed)?\)")]
    private static partial Regex Variable();
}
