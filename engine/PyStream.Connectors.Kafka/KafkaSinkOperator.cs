using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;

namespace PyStream.Connectors.Kafka;

/// <summary>
/// Writes framed records (<see cref="KafkaRecordFrames"/>) to Kafka, with Flink's delivery guarantees:
/// NONE sends and never waits; AT_LEAST_ONCE flushes at every barrier; EXACTLY_ONCE writes
/// the records between two barriers in one transaction, named {prefix}-{subtask}-{n} where n
/// is the id of the checkpoint that will pre-commit it, and commits it when that checkpoint
/// completes. A restore commits the transactions its checkpoint pre-committed and aborts the
/// ones that came after it (their records are replayed). A delivery error fails the job.
/// </summary>
public sealed class KafkaSinkOperator : StreamOperator
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(60);

    private readonly KafkaSink _spec;
    private readonly int _subtask;
    private readonly IKafkaTransactionLog? _log;
    private ILogger? _logger;
    private KafkaClientLog? _clientLog;
    private readonly Committables<Prepared> _prepared = new();
    private readonly Action<DeliveryReport<byte[]?, byte[]?>> _onDelivery;
    private ProducerConfig _config = null!;
    private IProducer<byte[]?, byte[]?>? _producer;
    private string? _transactionalId;
    private long _nextTransaction = 1;
    private volatile string? _deliveryError;

    public KafkaSinkOperator(string name, int inputCount, KafkaSink spec, int subtask, IKafkaTransactionLog? log = null)
        : base(name, inputCount, portCount: 0)
    {
        _spec = spec;
        _subtask = subtask;
        _log = log;
        if (ExactlyOnce && spec.TransactionalIdPrefix.Length == 0)
            throw new PyStreamException($"Kafka sink '{name}': EXACTLY_ONCE needs a transactional id prefix (set_transactional_id_prefix)");
        _onDelivery = report =>
        {
            if (report.Error.IsError)
                _deliveryError ??= $"{report.Topic}: {report.Error.Reason}";
        };
    }

    private bool ExactlyOnce => _spec.DeliveryGuarantee == DeliveryGuarantee.ExactlyOnce;

    private string TransactionPrefix(int subtask) => string.Create(CultureInfo.InvariantCulture, $"{_spec.TransactionalIdPrefix}-{subtask}-");

    private string TransactionalId(int subtask, long n) => TransactionPrefix(subtask) + n.ToString(CultureInfo.InvariantCulture);

    private ILogger Logger => _logger ??= Context.Environment.LoggerFactory.CreateLogger<KafkaSinkOperator>();

    private KafkaClientLog ClientLog => _clientLog ??= new KafkaClientLog(Logger, KafkaLogRepeats.Of(Context.Environment), $"Kafka sink '{Name}'",
        _spec.BootstrapServers, () => $"records wait up to {(_config!.MessageTimeoutMs ?? 300_000) / 1000.0:0.#} s for delivery (message.timeout.ms), then the job fails");

    public override void Open(TaskContext context)
    {
        base.Open(context);
        _config = new ProducerConfig(KafkaProperties.ForLibrdkafka(_spec.Properties, _spec.BootstrapServers));
        // Records leave within a millisecond, close to the Java client's linger.ms = 0 that Flink's
        // sink inherits; librdkafka's 5 ms default held records back for hundreds of ms here.
        if (!_spec.Properties.ContainsKey("linger.ms") && !_spec.Properties.ContainsKey("queue.buffering.max.ms"))
            _config.LingerMs = 1;
        // A transaction stays open for a whole checkpoint interval: librdkafka's 60 s would abort
        // it under longer intervals. 15 minutes is the most a broker accepts by default.
        if (!_spec.Properties.ContainsKey("transaction.timeout.ms"))
            _config.TransactionTimeoutMs = 900_000;
        if (ExactlyOnce && !context.CheckpointingEnabled)
            Logger.ExactlyOnceWithoutCheckpointing(Name);
        if (!ExactlyOnce)
            _producer = NewProducer(null);
    }

    private IProducer<byte[]?, byte[]?> NewProducer(string? transactionalId)
    {
        var config = new ProducerConfig(_config) { TransactionalId = transactionalId };
        return KafkaProperties.Build($"Kafka sink '{Name}'", () => new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler(ClientLog.OnLog)
            .Build());
    }

    /// <summary>Exactly-once: the transaction records go to, begun on the first record after a barrier.</summary>
    private IProducer<byte[]?, byte[]?> Current()
    {
        if (_producer is not null)
            return _producer;
        _transactionalId = TransactionalId(_subtask, _nextTransaction);
        _producer = NewProducer(_transactionalId);
        Kafka(() =>
        {
            _producer.InitTransactions(FlushTimeout);
            _producer.BeginTransaction();
        });
        _log?.Record(_transactionalId, TransactionStep.Begin, _nextTransaction);
        return _producer;
    }

    public override void ProcessBatch(int input, Batch batch)
    {
        if (batch is not BytesBatch framed)
            throw new PyStreamException($"Kafka sink '{Name}' expects serialized records, got {batch.GetType().Name}");
        var producer = Current();
        var stamps = batch.Timestamps;
        KafkaRecordFrames.Read(framed.Data, framed.Count, (i, topic, key, value) =>
        {
            var message = new Message<byte[]?, byte[]?> { Key = key, Value = value };
            if (stamps is not null && stamps[i] >= 0)
                message.Timestamp = new Timestamp(stamps[i], TimestampType.CreateTime);
            Produce(producer, topic ?? (_spec.Topic.Length > 0 ? _spec.Topic : throw new PyStreamException($"Kafka sink '{Name}': a record has no topic and the sink sets none")), message);
        });
        ThrowOnDeliveryError();
    }

    /// <summary>Sends one record; a full local queue waits for deliveries (backpressure), never drops.</summary>
    private void Produce(IProducer<byte[]?, byte[]?> producer, string topic, Message<byte[]?, byte[]?> message)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, message, _onDelivery);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> error) when (error.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(100));
                ThrowOnDeliveryError();
            }
            catch (ProduceException<byte[]?, byte[]?> error)
            {
                throw new PyStreamException($"Kafka sink '{Name}': cannot send to '{topic}': {error.Error.Reason}", error);
            }
        }
    }

    private void Flush(IProducer<byte[]?, byte[]?> producer)
    {
        if (producer.Flush(FlushTimeout) > 0)
            throw new PyStreamException($"Kafka sink '{Name}': records were not delivered within {FlushTimeout.TotalSeconds:0} s");
        ThrowOnDeliveryError();
    }

    private void ThrowOnDeliveryError()
    {
        if (_deliveryError is not { } error)
            return;
        throw new PyStreamException(_clientLog?.UnreachableReason is { } unreachable
            ? $"Kafka sink '{Name}': delivery failed: {error} (no Kafka broker answered at {_spec.BootstrapServers}: {unreachable})"
            : $"Kafka sink '{Name}': delivery failed: {error}");
    }

    /// <summary>At-least-once: everything sent so far is acknowledged. Exactly-once: pre-commit the open transaction.</summary>
    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        if (_spec.DeliveryGuarantee == DeliveryGuarantee.AtLeastOnce)
            Flush(_producer!);
        if (!ExactlyOnce)
            return;
        PreCommit(barrier.Id);
        if (barrier.Id != long.MaxValue)
            _nextTransaction = barrier.Id + 1;
        states[StateKey] = StateBlobs.Serialize(writer =>
        {
            writer.Write(_prepared.Count);
            foreach (var prepared in _prepared.Items)
                writer.Write(prepared.TransactionalId);
        });
    }

    private void PreCommit(long checkpointId)
    {
        if (_producer is null)
            return;
        Flush(_producer);
        var prepared = new Prepared(_transactionalId!, _producer);
        PreparedTransactions.Add(prepared.TransactionalId, prepared.Producer);
        _prepared.Add(checkpointId, [prepared]);
        _log?.Record(prepared.TransactionalId, TransactionStep.PreCommit, checkpointId);
        _producer = null;
        _transactionalId = null;
    }

    public override void NotifyCheckpointComplete(long checkpointId)
    {
        foreach (var prepared in _prepared.TakeUpTo(checkpointId))
            Commit(prepared, TransactionStep.Commit, checkpointId);
    }

    private void Commit(Prepared prepared, TransactionStep step, long checkpointId)
    {
        try
        {
            Kafka(() => prepared.Producer.CommitTransaction(FlushTimeout));
        }
        finally
        {
            PreparedTransactions.TryTake(prepared.TransactionalId, out _);
            prepared.Producer.Dispose();
        }

        PreparedTransactions.MarkCommitted(prepared.TransactionalId);
        _log?.Record(prepared.TransactionalId, step, checkpointId);
    }

    /// <summary>
    /// Commits what the checkpoint pre-committed for the old subtasks now mapped here (old
    /// subtask j goes to j mod parallelism), and aborts their later transactions that this
    /// process still holds. A pre-committed transaction of a process that is gone can only be
    /// aborted (librdkafka cannot resume it); that is reported.
    /// </summary>
    public override void RestoreState(TaskRestore restore)
    {
        if (!ExactlyOnce)
            return;
        _nextTransaction = restore.CheckpointId + 1;
        var blobs = restore.OperatorState(StateKey);
        var mine = blobs.Where(b => b.Subtask % restore.Parallelism == restore.Subtask).ToList();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var blob in mine)
        {
            using var reader = StateBlobs.Reader(blob.Data);
            for (var i = reader.ReadInt32(); i > 0; i--)
                covered.Add(reader.ReadString());
        }

        foreach (var id in covered)
        {
            if (PreparedTransactions.TryTake(id, out var producer))
            {
                Commit(new Prepared(id, producer), TransactionStep.Recommit, restore.CheckpointId);
            }
            else if (!PreparedTransactions.WasCommitted(id))
            {
                Logger.PreCommittedTransactionLost(Name, id);
                AbortById(id, restore.CheckpointId);
            }
        }

        var oldSubtasks = mine.Select(b => b.Subtask).Append(_subtask).Distinct();
        foreach (var id in oldSubtasks.SelectMany(j => PreparedTransactions.IdsOf(TransactionPrefix(j))))
        {
            if (PreparedTransactions.TryTake(id, out var later))
            {
                Kafka(() => later.AbortTransaction(FlushTimeout));
                later.Dispose();
                _log?.Record(id, TransactionStep.Abort, restore.CheckpointId);
            }
        }
    }

    /// <summary>Starting a producer with a transactional id aborts that id's open transaction.</summary>
    private void AbortById(string transactionalId, long checkpointId)
    {
        using var producer = NewProducer(transactionalId);
        Kafka(() => producer.InitTransactions(FlushTimeout));
        _log?.Record(transactionalId, TransactionStep.Abort, checkpointId);
    }

    /// <summary>
    /// End of input: flush. Exactly-once: the last transaction is pre-committed and committed when
    /// the job has finished (or right away without checkpointing).
    /// </summary>
    protected override void Finish()
    {
        if (!ExactlyOnce)
        {
            Flush(_producer!);
        }
        else
        {
            PreCommit(long.MaxValue);
            if (Context.CheckpointingEnabled)
            {
                var last = _prepared.Items.ToList();
                Context.OnJobFinished(() => last.ForEach(p => Commit(p, TransactionStep.Commit, long.MaxValue)));
            }
            else
            {
                NotifyCheckpointComplete(long.MaxValue);
            }
        }

        base.Finish();
    }

    /// <summary>The open transaction (if any) is aborted; pre-committed ones stay held for a restore.</summary>
    public override void Close()
    {
        if (_producer is null)
            return;
        if (_transactionalId is not null)
        {
            try
            {
                _producer.AbortTransaction(TimeSpan.FromSeconds(5));
                _log?.Record(_transactionalId, TransactionStep.Abort, _nextTransaction);
            }
            catch (KafkaException)
            {
                // The broker aborts it when the next producer with this id starts, or at its timeout.
            }
        }

        _producer.Dispose();
        _producer = null;
    }

    private void Kafka(Action call)
    {
        try
        {
            call();
        }
        catch (KafkaException error)
        {
            throw new PyStreamException($"Kafka sink '{Name}': {error.Error.Reason}", error);
        }
    }

    private sealed record Prepared(string TransactionalId, IProducer<byte[]?, byte[]?> Producer);
}
