using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PyStream.Engine;

namespace PyStream.Connectors.Kafka;

/// <summary>
/// Turns a job's Kafka properties into librdkafka configuration. The connector's own keys
/// and the Java client's (de)serializer classes are taken out; every other key is handed to
/// librdkafka, which rejects the ones it does not know with a clear error.
/// </summary>
internal static class KafkaProperties
{
    public const string DiscoveryInterval = "partition.discovery.interval.ms";
    public const string CommitOnCheckpoint = "commit.offsets.on.checkpoint";
    public const string FailurePolicy = "deserialization.failure-policy";

    /// <summary>How long a source waits for the broker to answer its first metadata request (the Java client's key and default).</summary>
    public const string ApiTimeout = "default.api.timeout.ms";
    public const long DefaultApiTimeoutMs = 60_000;

    private static readonly HashSet<string> NotForLibrdkafka = new(StringComparer.Ordinal)
    {
        DiscoveryInterval, CommitOnCheckpoint, FailurePolicy, ApiTimeout, "client.id.prefix", "register.consumer.metrics",
        "flink.partition-discovery.interval-millis", "key.deserializer", "value.deserializer", "key.serializer", "value.serializer",
    };

    public static Dictionary<string, string> ForLibrdkafka(IEnumerable<KeyValuePair<string, string>> properties, string bootstrapServers) =>
        properties.Where(p => !NotForLibrdkafka.Contains(p.Key))
            .Append(new("bootstrap.servers", bootstrapServers))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public static long Milliseconds(IReadOnlyDictionary<string, string> properties, string key, long fallback)
    {
        if (!properties.TryGetValue(key, out var text))
            return fallback;
        return long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new PyStreamException($"Kafka property '{key}' must be a number of milliseconds, got '{text}'");
    }

    /// <summary>A log handler for a client outside any job (the mock cluster): librdkafka's errors go to <paramref name="log"/>, its chatter below that level nowhere.</summary>
    public static Action<IClient, LogMessage> ErrorsTo(ILogger log, string what) => (_, message) =>
    {
        if (message.Level <= SyslogLevel.Error)
            log.ClientError(what, message.Message);
    };

    /// <summary>Builds a client, turning librdkafka's rejection of a setting into an error that names the connector.</summary>
    public static T Build<T>(string what, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or KafkaException)
        {
            throw new PyStreamException($"{what}: invalid Kafka configuration: {error.Message}", error);
        }
    }
}
