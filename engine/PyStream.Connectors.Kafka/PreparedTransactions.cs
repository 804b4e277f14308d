using System.Collections.Concurrent;
using Confluent.Kafka;

namespace PyStream.Connectors.Kafka;

/// <summary>
/// Pre-committed transactions by transactional id, with the producers that can still commit
/// them. They outlive a failed attempt of the job, so that the restore of the same process
/// commits what its checkpoint covers. librdkafka cannot resume another process's transaction
/// (Flink does so with the Java client's producer id and epoch), so after a process crash such
/// a transaction can only be aborted.
/// </summary>
internal static class PreparedTransactions
{
    private static readonly ConcurrentDictionary<string, IProducer<byte[]?, byte[]?>> Producers = new(StringComparer.Ordinal);

    public static void Add(string transactionalId, IProducer<byte[]?, byte[]?> producer) => Producers[transactionalId] = producer;

    public static bool TryTake(string transactionalId, out IProducer<byte[]?, byte[]?> producer) =>
        Producers.TryRemove(transactionalId, out producer!);

    /// <summary>Ids of held transactions that start with <paramref name="prefix"/>.</summary>
    public static List<string> IdsStartingWith(string prefix) =>
        Producers.Keys.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
}
