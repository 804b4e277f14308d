using System.Text;
using Confluent.Kafka;
using PyStream.Engine;
using PyStream.Engine.Records;
using PyStream.Engine.Spec;
using PyStream.Engine.Tests.Checkpointing;
using PyStream.Engine.Tests.Harness;

namespace PyStream.Connectors.Kafka.Tests;

[Collection(KafkaCollection.Name)]
public sealed class KafkaSourceOperatorTests(KafkaClusterFixture kafka) : IDisposable
{
    private const string Key = "kafka-source";
    private readonly string _directory = Directory.CreateTempSubdirectory("pystream-kafka-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private KafkaSource Spec(string topic, bool bounded = true) => new()
    {
        BootstrapServers = kafka.Bootstrap,
        Topics = { topic },
        GroupId = "g-" + topic,
        StartingOffsets = new KafkaOffsets { Kind = KafkaOffsets.Types.Kind.Earliest },
        StoppingOffsets = bounded ? new KafkaOffsets { Kind = KafkaOffsets.Types.Kind.Latest } : null,
        Bounded = bounded,
    };

    private static OperatorHarness<KafkaSourceOperator> Harness(KafkaSource spec, int subtask = 0, int parallelism = 1)
    {
        var op = new KafkaSourceOperator("Source: Kafka", spec, subtask, parallelism) { StateKey = Key };
        return new OperatorHarness<KafkaSourceOperator>(op, subtask, parallelism, checkpointing: true);
    }

    private static List<string> Records(OperatorHarness<KafkaSourceOperator> harness) =>
        harness.Output.Batches.Cast<TextBatch>().SelectMany(b => b.Lines).ToList();

    /// <summary>Emits until the bounded source ends; a bound on the calls keeps a bug from hanging the test.</summary>
    private static void ReadToEnd(OperatorHarness<KafkaSourceOperator> harness)
    {
        for (var calls = 0; harness.Operator.EmitNext(); calls++)
            Assert.True(calls < 1_000, "the bounded source did not end");
    }

    [Fact]
    public void Parallel_subtasks_split_the_partitions_and_read_every_record_once_with_its_timestamp()
    {
        var topic = kafka.NewTopic(partitions: 3);
        var values = Enumerable.Range(0, 300).Select(i => $"r{i}\nline two").ToList(); // a newline inside a value survives
        kafka.Produce(topic, 3, values, Enumerable.Range(0, 300).Select(i => 1_000L + i).ToList());

        var read = new List<string>();
        var stamps = new List<long>();
        for (var subtask = 0; subtask < 2; subtask++)
        {
            using var harness = Harness(Spec(topic), subtask, parallelism: 2);
            ReadToEnd(harness);
            read.AddRange(Records(harness));
            stamps.AddRange(harness.Output.Batches.SelectMany(b => b.Timestamps!));
        }

        Assert.Equal(values.Order(), read.Order());
        Assert.Equal(Enumerable.Range(0, 300).Select(i => 1_000L + i), stamps.Order());
    }

    [Fact]
    public void A_restore_continues_from_the_checkpointed_offsets_at_another_parallelism()
    {
        var topic = kafka.NewTopic(partitions: 4);
        var values = Enumerable.Range(0, 40_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        kafka.Produce(topic, 4, values);

        // Two subtasks read one batch each, then checkpoint 7 is taken.
        var before = new List<string>();
        var old = new List<TestCheckpoints.OldSubtask>();
        for (var subtask = 0; subtask < 2; subtask++)
        {
            using var harness = Harness(Spec(topic), subtask, parallelism: 2);
            Assert.True(harness.Operator.EmitNext());
            before.AddRange(Records(harness));
            old.Add(new TestCheckpoints.OldSubtask(subtask, 2, harness.Snapshot(7)));
        }

        Assert.InRange(before.Count, 1, 39_999);
        var checkpoint = TestCheckpoints.Write(Path.Combine(_directory, "chk-7"), 7, [.. old]);
        var after = new List<string>();
        for (var subtask = 0; subtask < 3; subtask++)
        {
            using var harness = Harness(Spec(topic), subtask, parallelism: 3);
            harness.Operator.RestoreState(TestCheckpoints.Restore(checkpoint, [Key], subtask, 3));
            ReadToEnd(harness);
            after.AddRange(Records(harness));
        }

        Assert.Equal(values.Order(), before.Concat(after).Order());
    }

    [Fact]
    public void Completed_checkpoints_commit_their_offsets_to_the_group()
    {
        var topic = kafka.NewTopic(partitions: 2);
        kafka.Produce(topic, 2, Enumerable.Range(0, 10).Select(i => $"v{i}"));
        using (var harness = Harness(Spec(topic)))
        {
            ReadToEnd(harness);
            harness.Snapshot(1);
            harness.Operator.NotifyCheckpointComplete(1);
        } // commits run in the background; closing waits for them

        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = kafka.Bootstrap, GroupId = "g-" + topic }).Build();
        var committed = reader.Committed([new TopicPartition(topic, 0), new TopicPartition(topic, 1)], TimeSpan.FromSeconds(10));
        Assert.Equal([5L, 5L], committed.Select(c => c.Offset.Value));
    }

    [Fact]
    public void An_undecodable_record_fails_the_job_by_default_naming_where_it_is()
    {
        var topic = kafka.NewTopic(partitions: 1);
        kafka.Produce(topic, 1, [Encoding.UTF8.GetBytes("good"), [0xff, 0xfe, 0x41]]);
        using var harness = Harness(Spec(topic));
        var error = Assert.Throws<PyStreamException>(() => ReadToEnd(harness));
        Assert.Contains($"cannot decode the record at {topic}[0]@1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_skip_policy_undecodable_records_and_tombstones_are_dropped_counted_and_reported_once()
    {
        var topic = kafka.NewTopic(partitions: 1);
        kafka.Produce(topic, 1, [Encoding.UTF8.GetBytes("a"), [0xff], null, Encoding.UTF8.GetBytes("b")]);
        var spec = Spec(topic);
        spec.OnDeserializationFailure = DeserializationFailure.Skip;
        using var harness = Harness(spec);
        ReadToEnd(harness);
        Assert.Equal(["a", "b"], Records(harness));
        Assert.Equal(2, harness.Operator.SkippedRecords);
        Assert.Single(harness.Log.Messages, line => line.Contains("skipped an undecodable record", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_topic_is_a_clear_error()
    {
        using var harness = Harness(Spec("no-such-topic"));
        var error = Assert.Throws<PyStreamException>(() => harness.Operator.EmitNext());
        Assert.Contains("topic 'no-such-topic' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Watermarks_are_generated_per_partition_and_an_idle_partition_does_not_hold_back_time()
    {
        var topic = kafka.NewTopic(partitions: 2);
        // Partition 0 gets 10 000 and 12 000; partition 1 gets 5 000.
        kafka.Produce(topic, 2, ["a", "b", "c"], [10_000, 5_000, 12_000]);
        var spec = Spec(topic, bounded: false);
        spec.Watermarks = new WatermarkSpec { Kind = WatermarkSpec.Types.Kind.BoundedOutOfOrderness, OutOfOrdernessMs = 1_000, IdlenessMs = 5_000, IntervalMs = 200 };
        using var harness = Harness(spec);
        for (var calls = 0; Records(harness).Count < 3; calls++)
        {
            Assert.True(calls < 100, "the records did not arrive");
            harness.Operator.EmitNext();
        }

        harness.AdvanceTime(TimeSpan.FromMilliseconds(200));
        Assert.Equal([3_999], harness.Output.Watermarks); // the minimum: partition 1
        harness.AdvanceTime(TimeSpan.FromMilliseconds(5_000));
        Assert.Contains("idle", harness.Output.Events); // no records for the idleness timeout on either partition
    }

    [Fact]
    public void A_pattern_subscription_discovers_new_topics_and_reads_them_from_the_earliest_offset()
    {
        var prefix = "d" + Guid.NewGuid().ToString("N")[..8];
        kafka.Cluster.CreateTopic(prefix + "-a", 1);
        kafka.Produce(prefix + "-a", 1, ["first"]);
        var spec = new KafkaSource
        {
            BootstrapServers = kafka.Bootstrap,
            TopicPattern = prefix + "-.*",
            StartingOffsets = new KafkaOffsets { Kind = KafkaOffsets.Types.Kind.Earliest },
            Properties = { [KafkaProperties.DiscoveryInterval] = "1000" },
        };
        using var harness = Harness(spec);
        for (var calls = 0; Records(harness).Count < 1; calls++)
        {
            Assert.True(calls < 100, "the first record did not arrive");
            harness.Operator.EmitNext();
        }

        kafka.Cluster.CreateTopic(prefix + "-b", 1);
        kafka.Produce(prefix + "-b", 1, ["second"]);
        harness.AdvanceTime(TimeSpan.FromSeconds(1));
        for (var calls = 0; Records(harness).Count < 2; calls++)
        {
            Assert.True(calls < 100, "the discovered topic was not read");
            harness.Operator.EmitNext();
        }

        Assert.Equal(["first", "second"], Records(harness));
    }
}
