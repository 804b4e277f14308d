using System.Buffers.Binary;
using System.Text;
using PyStream.Engine;
using PyStream.Engine.Records;
using PyStream.Engine.Spec;
using PyStream.Engine.Tests.Checkpointing;
using PyStream.Engine.Tests.Harness;

namespace PyStream.Connectors.Kafka.Tests;

[Collection(KafkaCollection.Name)]
public sealed class KafkaSinkOperatorTests(KafkaClusterFixture kafka) : IDisposable
{
    private const string Key = "kafka-sink";
    private readonly string _directory = Directory.CreateTempSubdirectory("pystream-kafka-").FullName;
    private readonly RecordingLog _log = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private KafkaSink Spec(string topic, DeliveryGuarantee guarantee, string prefix = "") => new()
    {
        BootstrapServers = kafka.Bootstrap,
        Topic = topic,
        DeliveryGuarantee = guarantee,
        TransactionalIdPrefix = prefix,
    };

    private OperatorHarness<KafkaSinkOperator> Harness(KafkaSink spec, int subtask = 0, int parallelism = 1, bool checkpointing = true)
    {
        var op = new KafkaSinkOperator("Sink: Kafka", 1, spec, subtask, _log) { StateKey = Key };
        return new OperatorHarness<KafkaSinkOperator>(op, subtask, parallelism, checkpointing: checkpointing);
    }

    /// <summary>Records framed as the Python serializer frames them: no topic (the sink's), an optional key, the value.</summary>
    private static BytesBatch Framed(params (string? Key, string Value)[] records)
    {
        var buffer = new List<byte>();
        void Field(byte[]? bytes)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes?.Length ?? -1);
            buffer.AddRange(length);
            if (bytes is not null)
                buffer.AddRange(bytes);
        }

        foreach (var (key, value) in records)
        {
            Field(null);
            Field(key is null ? null : Encoding.UTF8.GetBytes(key));
            Field(Encoding.UTF8.GetBytes(value));
        }

        return new BytesBatch([.. buffer], records.Length) { Timestamps = [.. Enumerable.Range(0, records.Length).Select(i => 1_000L + i)] };
    }

    private static (string?, string) V(string value) => (null, value);

    [Fact]
    public void Exactly_once_writes_one_transaction_per_checkpoint_and_commits_it_when_the_checkpoint_completes()
    {
        var topic = kafka.NewTopic(partitions: 1);
        var prefix = "tx-" + topic;
        using (var harness = Harness(Spec(topic, DeliveryGuarantee.ExactlyOnce, prefix)))
        {
            harness.ProcessBatch(0, Framed(V("a"), ("k", "b")));
            harness.Snapshot(1);
            harness.ProcessBatch(0, Framed(V("c")));
            harness.Operator.NotifyCheckpointComplete(1);
            harness.Snapshot(2);
            harness.Snapshot(3); // nothing written since 2: no transaction
            harness.Operator.NotifyCheckpointComplete(3);
        }

        Assert.Equal(
        [
            $"{prefix}-0-1 Begin 1", $"{prefix}-0-1 PreCommit 1", $"{prefix}-0-2 Begin 2", $"{prefix}-0-1 Commit 1",
            $"{prefix}-0-2 PreCommit 2", $"{prefix}-0-2 Commit 3",
        ], _log.Steps);
        var written = kafka.ReadAll(topic);
        Assert.Equal(["a", "b", "c"], written.Select(r => r.Value));
        Assert.Equal([null, "k", null], written.Select(r => r.Key));
        Assert.Equal([1_000L, 1_001L, 1_000L], written.Select(r => r.Timestamp));
    }

    [Fact]
    public void A_restore_commits_what_its_checkpoint_pre_committed_and_aborts_what_came_after()
    {
        var topic = kafka.NewTopic(partitions: 1);
        var prefix = "tx-" + topic;
        var spec = Spec(topic, DeliveryGuarantee.ExactlyOnce, prefix);
        string checkpoint;
        using (var harness = Harness(spec))
        {
            harness.ProcessBatch(0, Framed(V("a")));
            checkpoint = TestCheckpoints.Write(Path.Combine(_directory, "chk-1"), 1, new TestCheckpoints.OldSubtask(0, 1, harness.Snapshot(1)));
            harness.ProcessBatch(0, Framed(V("b")));
            harness.Snapshot(2); // pre-committed, but checkpoint 2 never completes
            harness.ProcessBatch(0, Framed(V("c"))); // open when the task fails
        }

        Assert.Equal($"{prefix}-0-3 Abort 3", _log.Steps[^1]); // the failed task aborted its open transaction
        _log.Steps.Clear();
        using (var restored = Harness(spec))
        {
            restored.Operator.RestoreState(TestCheckpoints.Restore(checkpoint, [Key], 0, 1));
            restored.ProcessBatch(0, Framed(V("b again")));
            restored.Snapshot(2);
        }

        Assert.Equal([$"{prefix}-0-1 Recommit 1", $"{prefix}-0-2 Abort 1", $"{prefix}-0-2 Begin 2", $"{prefix}-0-2 PreCommit 2"], _log.Steps);
    }

    [Fact]
    public void A_restore_skips_transactions_this_process_committed_already()
    {
        var topic = kafka.NewTopic(partitions: 1);
        var prefix = "done-" + topic;
        var spec = Spec(topic, DeliveryGuarantee.ExactlyOnce, prefix);
        string checkpoint;
        using (var harness = Harness(spec))
        {
            harness.ProcessBatch(0, Framed(V("a")));
            checkpoint = TestCheckpoints.Write(Path.Combine(_directory, "chk-1"), 1, new TestCheckpoints.OldSubtask(0, 1, harness.Snapshot(1)));
            harness.Operator.NotifyCheckpointComplete(1);
        }

        _log.Steps.Clear();
        using var restored = Harness(spec);
        restored.Operator.RestoreState(TestCheckpoints.Restore(checkpoint, [Key], 0, 1));
        Assert.Empty(_log.Steps);
        Assert.Empty(restored.Log.Messages);
    }

    [Fact]
    public void A_transaction_pre_committed_by_a_process_that_is_gone_is_aborted_and_reported()
    {
        var topic = kafka.NewTopic(partitions: 1);
        var prefix = "gone-" + topic;
        var state = new Dictionary<string, byte[]>
        {
            [Key] = Engine.Checkpointing.StateBlobs.Serialize(w =>
            {
                w.Write(1);
                w.Write($"{prefix}-0-4");
            }),
        };
        var checkpoint = TestCheckpoints.Write(Path.Combine(_directory, "chk-4"), 4, new TestCheckpoints.OldSubtask(0, 1, state));
        using var harness = Harness(Spec(topic, DeliveryGuarantee.ExactlyOnce, prefix));
        harness.Operator.RestoreState(TestCheckpoints.Restore(checkpoint, [Key], 0, 1));
        Assert.Equal([$"{prefix}-0-4 Abort 4"], _log.Steps);
        Assert.Contains($"transaction '{prefix}-0-4' was pre-committed by a process that is gone", Assert.Single(harness.Log.Messages), StringComparison.Ordinal);
    }

    [Fact]
    public void At_the_end_of_input_the_last_transaction_commits_once_the_job_has_finished()
    {
        var topic = kafka.NewTopic(partitions: 1);
        var prefix = "end-" + topic;
        using var harness = Harness(Spec(topic, DeliveryGuarantee.ExactlyOnce, prefix));
        harness.ProcessBatch(0, Framed(V("x")));
        harness.EndInput(0);
        Assert.Equal([$"{prefix}-0-1 Begin 1", $"{prefix}-0-1 PreCommit {long.MaxValue}"], _log.Steps);
        harness.FinalCommits.ForEach(commit => commit());
        Assert.Equal($"{prefix}-0-1 Commit {long.MaxValue}", _log.Steps[^1]);
    }

    [Fact]
    public void At_least_once_has_every_record_acknowledged_when_the_barrier_passes()
    {
        var topic = kafka.NewTopic(partitions: 2);
        using var harness = Harness(Spec(topic, DeliveryGuarantee.AtLeastOnce));
        harness.ProcessBatch(0, Framed([.. Enumerable.Range(0, 1_000).Select(i => V($"v{i}"))]));
        harness.Snapshot(1);
        Assert.Equal(1_000, kafka.ReadAll(topic).Count);
        Assert.Empty(_log.Steps); // no transactions
    }

    [Fact]
    public void Exactly_once_without_a_transactional_id_prefix_is_refused()
    {
        var error = Assert.Throws<PyStreamException>(() => new KafkaSinkOperator("Sink: Kafka", 1, Spec("t", DeliveryGuarantee.ExactlyOnce), 0));
        Assert.Contains("transactional id prefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_frame_is_an_error_not_a_silent_drop()
    {
        var topic = kafka.NewTopic(partitions: 1);
        using var harness = Harness(Spec(topic, DeliveryGuarantee.None));
        var error = Assert.Throws<PyStreamException>(() => harness.ProcessBatch(0, new BytesBatch([1, 0, 0], 1)));
        Assert.Contains("cut short", error.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingLog : IKafkaTransactionLog
    {
        public List<string> Steps { get; } = [];

        public void Record(string transactionalId, TransactionStep step, long checkpointId) =>
            Steps.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{transactionalId} {step} {checkpointId}"));
    }
}
