using Microsoft.Extensions.Logging;

namespace PyStream.Connectors.Kafka;

/// <summary>What the Kafka connector reports without failing the job.</summary>
internal static partial class KafkaLog
{
    /// <summary>librdkafka reported an error about a client (<paramref name="client"/> names it).</summary>
    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "{Client}: {Message}")]
    public static partial void ClientError(this ILogger logger, string client, string message);

    /// <summary>No broker answers at the bootstrap address: logged once, not on every reconnect.</summary>
    [LoggerMessage(EventId = 306, Level = LogLevel.Error, Message = "{Client}: no Kafka broker answers at {Servers} ({Reason}); {Retrying}")]
    public static partial void BrokerUnreachable(this ILogger logger, string client, string servers, string reason, string retrying);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Kafka sink '{Sink}': EXACTLY_ONCE without checkpointing commits only at the end of input")]
    public static partial void ExactlyOnceWithoutCheckpointing(this ILogger logger, string sink);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning,
        Message = "Kafka sink '{Sink}': transaction '{TransactionalId}' was pre-committed by a process that is gone; librdkafka cannot resume it, so unless it was committed already its records are lost")]
    public static partial void PreCommittedTransactionLost(this ILogger logger, string sink, string transactionalId);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Kafka source '{Source}' skipped an undecodable record at {Topic}[{Partition}]@{Offset}: {Reason}")]
    public static partial void SkippedUndecodableRecord(this ILogger logger, string source, string topic, int partition, long offset, string reason);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "Kafka source '{Source}': committing offsets to group '{GroupId}' failed: {Reason}")]
    public static partial void OffsetCommitFailed(this ILogger logger, string source, string groupId, string reason, Exception error);
}
