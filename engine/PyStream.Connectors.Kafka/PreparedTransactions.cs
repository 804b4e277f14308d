using System.Collections.Concurrent;
using System.Globalization;
using Confluent.Kafka;

namespace PyStream.Connectors.Kafka;

/// <summary>
/// Pre-committed transactions by transactional id (<c>{prefix}-{subtask}-{n}</c>), with the
/// producers that can still commit them, and the newest n committed per prefix and subtask.
/// They outlive a failed attempt of the job, so that the restore of the same process commits
/// what its checkpoint covers and knows what is committed already. librdkafka cannot resume
/// another process's transaction (Flink does so with the Java client's producer id and
/// epoch), so after a process crash such a transaction can only be aborted.
/// </summary>
internal static class PreparedTransactions
{
    private static readonly ConcurrentDictionary<string, IProducer<byte[]?, byte[]?>> Producers = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, long> NewestCommitted = new(StringComparer.Ordinal);

    public static void Add(string transactionalId, IProducer<byte[]?, byte[]?> producer) => Producers[transactionalId] = producer;

    public static bool TryTake(string transactionalId, out IProducer<byte[]?, byte[]?> producer) =>
        Producers.TryRemove(transactionalId, out producer!);

    public static void MarkCommitted(string transactionalId)
    {
        if (Split(transactionalId) is var (head, n))
            NewestCommitted.AddOrUpdate(head, n, (_, old) => Math.Max(old, n));
    }

    /// <summary>Whether this process committed the transaction (ids of one prefix and subtask commit in order).</summary>
    public static bool WasCommitted(string transactionalId) =>
        Split(transactionalId) is var (head, n) && NewestCommitted.TryGetValue(head, out var newest) && n <= newest;

    /// <summary>Ids of held transactions of exactly this <c>{prefix}-{subtask}-</c>.</summary>
    public static List<string> IdsOf(string head) =>
        Producers.Keys.Where(id => Split(id) is var (h, _) && h == head).ToList();

    /// <summary>An id as its <c>{prefix}-{subtask}-</c> head and its number n.</summary>
    private static (string Head, long N)? Split(string transactionalId)
    {
        var dash = transactionalId.LastIndexOf('-');
        return dash > 0 && long.TryParse(transactionalId.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? (transactionalId[..(dash + 1)], n)
            : null;
    }
}
