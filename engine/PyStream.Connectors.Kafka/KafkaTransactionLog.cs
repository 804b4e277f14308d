namespace PyStream.Connectors.Kafka;

/// <summary>A step of the exactly-once Kafka sink's protocol, recorded after the broker accepted it.</summary>
public enum TransactionStep
{
    /// <summary>A transactional producer started and began its transaction.</summary>
    Begin,

    /// <summary>A barrier: the transaction's records are flushed and it waits for the checkpoint.</summary>
    PreCommit,

    /// <summary>The checkpoint completed (or the job finished): the transaction is committed.</summary>
    Commit,

    /// <summary>A restore committed a transaction that its checkpoint had pre-committed.</summary>
    Recommit,

    /// <summary>A transaction whose records a restore replays (or cannot resume) is aborted.</summary>
    Abort,
}

/// <summary>Observes the exactly-once sink's transactions; tests check the protocol with it.</summary>
public interface IKafkaTransactionLog
{
    void Record(string transactionalId, TransactionStep step, long checkpointId);
}
