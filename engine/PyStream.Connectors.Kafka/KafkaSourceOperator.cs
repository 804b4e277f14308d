using System.Text;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Graph;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;

namespace PyStream.Connectors.Kafka;

/// <summary>
/// Reads the Kafka partitions this subtask owns (<see cref="KafkaPartitionOwner"/>) as text
/// records carrying their Kafka timestamps. Each partition's next offset is part of the
/// checkpoint; offsets are committed to the group when a checkpoint completes (for
/// monitoring: a restore uses the checkpoint's). Watermarks are generated per partition.
/// Bounded sources finish when every partition reaches its stopping offset; unbounded ones
/// look for new partitions periodically and read those from the earliest offset.
/// </summary>
public sealed class KafkaSourceOperator : SourceOperator
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private const long MaxBatchDelayMs = 5;
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinAttempt = TimeSpan.FromMilliseconds(100);
    private const long DefaultDiscoveryIntervalMs = 300_000;

    private readonly KafkaSource _spec;
    private readonly int _subtask;
    private readonly int _parallelism;
    private readonly Dictionary<string, string> _properties;
    private readonly Encoding _charset;
    private readonly Dictionary<TopicPartition, PartitionState> _partitions = [];
    private readonly SortedDictionary<long, List<TopicPartitionOffset>> _toCommit = [];
    // Watermarks per partition: generated here from the Kafka timestamps (the strategy is in the
    // spec), or by from_source's watermark node from the timestamps its assigner gives.
    private SplitWatermarks? _watermarks;
    private bool _generatesWatermarks;
    private IConsumer<byte[]?, string?>? _consumer;
    private IAdminClient? _metadata;
    private List<PartitionState>? _restored;
    private Error? _fatal;
    private KafkaClientLog _clientLog = null!;
    private TimeSpan _retryBound;
    private bool _started;
    private Task _commits = Task.CompletedTask;
    private int _active;

    public KafkaSourceOperator(string name, KafkaSource spec, int subtask, int parallelism) : base(name)
    {
        _spec = spec;
        _subtask = subtask;
        _parallelism = parallelism;
        _properties = spec.Properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        _charset = CharsetOf(spec.Charset);
        if ((spec.Topics.Count > 0 ? 1 : 0) + (spec.TopicPattern.Length > 0 ? 1 : 0) + (spec.Partitions.Count > 0 ? 1 : 0) != 1)
            throw new PyStreamException($"Kafka source '{name}': set exactly one of topics, a topic pattern or partitions");
    }

    /// <summary>Records dropped because they could not be decoded (with the skip policy).</summary>
    public long SkippedRecords { get; private set; }

    public override bool HasSplits => true;

    /// <summary>set_bounded: the source ends once every partition reached its stopping offset.</summary>
    private bool Bounded => _spec.Bounded;

    private string GroupId => _spec.GroupId;

    private ILogger? _logger;

    private ILogger Logger => _logger ??= Context.Environment.LoggerFactory.CreateLogger<KafkaSourceOperator>();

    public override void Open(TaskContext context)
    {
        base.Open(context);
        var config = new ConsumerConfig(KafkaProperties.ForLibrdkafka(_properties, _spec.BootstrapServers))
        {
            GroupId = GroupId.Length > 0 ? GroupId : $"pystream-{StateKey}",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = true,
        };
        // Java's consumer reads uncommitted records unless told otherwise; librdkafka's default differs.
        if (!_properties.ContainsKey("isolation.level"))
            config.IsolationLevel = IsolationLevel.ReadUncommitted;
        // An offset the broker no longer has (retention) resumes by the starting offsets' reset
        // strategy, as Flink sets it, never silently at the end of the partition.
        if (!_properties.ContainsKey("auto.offset.reset"))
        {
            config.AutoOffsetReset = _spec.StartingOffsets?.ResetStrategy switch
            {
                KafkaOffsets.Types.ResetStrategy.ResetLatest => AutoOffsetReset.Latest,
                KafkaOffsets.Types.ResetStrategy.ResetNone => AutoOffsetReset.Error,
                _ => AutoOffsetReset.Earliest,
            };
        }
        if (_spec.ClientIdPrefix.Length > 0)
            config.ClientId = $"{_spec.ClientIdPrefix}-{_subtask}";
        _retryBound = TimeSpan.FromMilliseconds(KafkaProperties.Milliseconds(_properties, KafkaProperties.ApiTimeout, KafkaProperties.DefaultApiTimeoutMs));
        _clientLog = new KafkaClientLog(Logger, KafkaLogRepeats.Of(context.Environment), $"Kafka source '{Name}'", _spec.BootstrapServers,
            () => _partitions.Count == 0
                ? $"retrying for {_retryBound.TotalSeconds:0.#} s ({KafkaProperties.ApiTimeout}), then the job fails"
                : "the source keeps polling until a broker answers");
        _consumer = KafkaProperties.Build($"Kafka source '{Name}'", () => new ConsumerBuilder<byte[]?, string?>(config)
            .SetKeyDeserializer(new KeyDeserializer(_spec.Framed))
            .SetValueDeserializer(new TextDeserializer(_charset))
            .SetErrorHandler((_, error) => _fatal ??= error.IsFatal ? error : null)
            .SetLogHandler(_clientLog.OnLog)
            .Build());
        _metadata = new DependentAdminClientBuilder(_consumer.Handle).Build();
        _generatesWatermarks = _spec.Watermarks is not null;
        _watermarks = _generatesWatermarks ? new SplitWatermarks(JobSpecModel.Watermarks(_spec.Watermarks!), OnWatermark, OnWatermarkStatus) : SplitWatermarks;
        if (_generatesWatermarks && _spec.Watermarks!.IntervalMs > 0)
            context.Timers.SchedulePeriodic(TimeSpan.FromMilliseconds(_spec.Watermarks.IntervalMs), EmitWatermark);
    }

    /// <summary>
    /// Finds this subtask's partitions and where to start them (the restored checkpoint, or the
    /// starting offsets), then assigns them. Done on the first batch or barrier: a restore follows Open.
    /// </summary>
    private void EnsureStarted()
    {
        if (_started)
            return;
        _started = true;
        var owned = ListPartitions();
        var restored = _restored?.ToDictionary(p => p.Partition) ?? [];
        // Partitions a restored checkpoint does not know are new: read from the earliest offset, as Flink does.
        var startFrom = _restored is null ? _spec.StartingOffsets ?? new KafkaOffsets() : new KafkaOffsets { Kind = KafkaOffsets.Types.Kind.Earliest };
        var fresh = owned.Where(tp => !restored.ContainsKey(tp)).ToList();
        var resolver = new KafkaOffsetsResolver(_consumer!, GroupId, $"Kafka source '{Name}'");
        var starts = resolver.Resolve(startFrom, fresh);
        var stops = StopsOf(resolver, fresh);
        foreach (var split in restored.Values)
            Track(split);
        foreach (var tp in fresh)
            Track(new PartitionState(tp, starts[tp], stops.GetValueOrDefault(tp, long.MaxValue), _spec.Framed));
        _restored = null;
        if (_spec.Partitions.Count == 0 && !Bounded)
        {
            var interval = KafkaProperties.Milliseconds(_properties, KafkaProperties.DiscoveryInterval, DefaultDiscoveryIntervalMs);
            if (interval > 0)
                Context.Timers.SchedulePeriodic(TimeSpan.FromMilliseconds(interval), DiscoverPartitions);
        }
    }

    private void Track(PartitionState split)
    {
        split.Index = _partitions.Count;
        _partitions[split.Partition] = split;
        _watermarks?.Add(split.Index, Context.Timers.Now);
        if (split.Next >= split.Stop)
        {
            split.Finished = true;
            _watermarks?.Finish(split.Index);
            return;
        }

        _active++;
        _consumer!.IncrementalAssign([new TopicPartitionOffset(split.Partition, split.Next)]);
    }

    /// <summary>Every partition of the subscription, then the ones this subtask owns.</summary>
    private List<TopicPartition> ListPartitions()
    {
        if (_spec.Partitions.Count > 0)
        {
            return _spec.Partitions.Select(p => new TopicPartition(p.Topic, p.Partition))
                .Where(tp => KafkaPartitionOwner.Of(tp.Topic, tp.Partition, _parallelism) == _subtask).ToList();
        }

        var topics = ReadTopics();

        foreach (var topic in topics.Where(t => t.Error.IsError))
        {
            throw new PyStreamException(topic.Error.Code == ErrorCode.UnknownTopicOrPart
                ? $"Kafka source '{Name}': topic '{topic.Topic}' does not exist on {_spec.BootstrapServers}"
                : $"Kafka source '{Name}': topic '{topic.Topic}': {topic.Error.Reason}");
        }

        return topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))
            .Where(tp => KafkaPartitionOwner.Of(tp.Topic, tp.Partition, _parallelism) == _subtask)
            .OrderBy(tp => tp.Topic, StringComparer.Ordinal).ThenBy(tp => tp.Partition.Value)
            .ToList();
    }

    /// <summary>
    /// The subscribed topics' metadata. While no broker answers, asks again until the retry bound
    /// (<c>default.api.timeout.ms</c>) has passed, as Flink's source fails when its admin client
    /// times out; the job then fails once, with the address and librdkafka's reason.
    /// </summary>
    private List<TopicMetadata> ReadTopics()
    {
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            // Short attempts: a cancel waits for one of them at most.
            var attempt = TimeSpan.FromTicks(Math.Clamp((_retryBound - waiting.Elapsed).Ticks, MinAttempt.Ticks, MetadataTimeout.Ticks));
            var started = waiting.Elapsed;
            try
            {
                return _spec.TopicPattern.Length > 0
                    ? _metadata!.GetMetadata(attempt).Topics
                        .Where(t => Regex.IsMatch(t.Topic, $"^(?:{_spec.TopicPattern})$", RegexOptions.None, TimeSpan.FromSeconds(1))).ToList()
                    : _spec.Topics.Select(topic => _metadata!.GetMetadata(topic, attempt).Topics.Single()).ToList();
            }
            catch (KafkaException error) when (IsUnreachable(error.Error.Code))
            {
                if (waiting.Elapsed >= _retryBound)
                {
                    throw new PyStreamException(
                        $"Kafka source '{Name}': no Kafka broker answered at {_spec.BootstrapServers} within {_retryBound.TotalSeconds:0.#} s "
                        + $"({_clientLog.UnreachableReason ?? error.Error.Reason}; the bound is the property {KafkaProperties.ApiTimeout})", error);
                }

                // librdkafka may answer at once while every broker is down: pace the attempts, waking for a cancel.
                var early = MinAttempt - (waiting.Elapsed - started);
                if (early > TimeSpan.Zero)
                    Context.Cancellation.WaitHandle.WaitOne(early);
                Context.Cancellation.ThrowIfCancellationRequested();
            }
            catch (KafkaException error)
            {
                throw new PyStreamException($"Kafka source '{Name}': cannot read the topics from {_spec.BootstrapServers}: {error.Error.Reason}", error);
            }
        }
    }

    private static bool IsUnreachable(ErrorCode code) =>
        code is ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.Local_TimedOut or ErrorCode.Local_Resolve or ErrorCode.RequestTimedOut;

    private void DiscoverPartitions()
    {
        var added = ListPartitions().Where(tp => !_partitions.ContainsKey(tp)).ToList();
        if (added.Count == 0)
            return;
        var resolver = new KafkaOffsetsResolver(_consumer!, GroupId, $"Kafka source '{Name}'");
        var starts = resolver.Resolve(new KafkaOffsets { Kind = KafkaOffsets.Types.Kind.Earliest }, added);
        var stops = StopsOf(resolver, added);
        foreach (var tp in added)
            Track(new PartitionState(tp, starts[tp], stops.GetValueOrDefault(tp, long.MaxValue), _spec.Framed));
    }

    /// <summary>Where partitions stop; none without stopping offsets.</summary>
    private Dictionary<TopicPartition, long> StopsOf(KafkaOffsetsResolver resolver, List<TopicPartition> partitions) =>
        _spec.StoppingOffsets is { } stopping ? resolver.Resolve(stopping, partitions) : [];

    public override bool EmitNext()
    {
        EnsureStarted();
        if (Bounded && _active == 0)
            return false;
        var read = 0;
        var timeout = PollTimeout;
        long? batchStarted = null;
        var size = NextBatchSize(BatchSize);
        while (read < size && (!Bounded || _active > 0))
        {
            if (batchStarted is { } started)
            {
                // Records trickling in join the batch for a few milliseconds: one Python call then
                // serves many records, and no record waits longer than that.
                var left = MaxBatchDelayMs - (Environment.TickCount64 - started);
                if (left <= 0)
                    break;
                timeout = TimeSpan.FromMilliseconds(left);
            }

            if (_fatal is { } fatal)
                throw new PyStreamException($"Kafka source '{Name}': {fatal.Reason}");
            ConsumeResult<byte[]?, string?>? result;
            try
            {
                result = _consumer!.Consume(timeout);
            }
            catch (ConsumeException error) when (error.Error.Code == ErrorCode.Local_ValueDeserialization)
            {
                var at = error.ConsumerRecord.TopicPartitionOffset;
                var partition = _partitions[at.TopicPartition];
                if (at.Offset.Value >= partition.Stop)
                {
                    Finish(partition);
                    continue;
                }

                Advance(partition, at.Offset.Value);
                Undecodable(at, error.InnerException?.Message ?? error.Error.Reason);
                continue;
            }
            catch (ConsumeException error)
            {
                throw new PyStreamException($"Kafka source '{Name}': {error.Error.Reason}", error);
            }

            if (result is null)
                break;
            batchStarted ??= Environment.TickCount64;
            var state = _partitions[result.TopicPartition];
            if (result.IsPartitionEOF)
            {
                if (result.Offset.Value >= state.Stop)
                    Finish(state);
                continue;
            }

            if (result.Offset.Value >= state.Stop)
            {
                Finish(state);
                continue;
            }

            Advance(state, result.Offset.Value);
            var value = result.Message.Value;
            if (value is null && !_spec.Framed)
            {
                Undecodable(result.TopicPartitionOffset, "the record has no value (a tombstone)");
                continue;
            }

            var timestamp = result.Message.Timestamp.Type == TimestampType.NotAvailable ? long.MinValue : result.Message.Timestamp.UnixTimestampMs;
            state.Values.Add(value);
            state.Keys?.Add(result.Message.Key);
            state.Timestamps.Add(timestamp);
            read++;
            if (_generatesWatermarks)
                _watermarks!.OnRecord(state.Index, timestamp, Context.Timers.Now);
        }

        if (read > 0)
            EmitRead();

        return !Bounded || _active > 0;
    }

    /// <summary>
    /// One batch; one per partition, marked with it, when watermarks are generated per partition
    /// downstream (by from_source's timestamp assigner).
    /// </summary>
    private void EmitRead()
    {
        var perPartition = SplitWatermarks is not null;
        var values = new List<string?>();
        var keys = new List<byte[]?>();
        var stamps = new List<long>();
        foreach (var state in _partitions.Values)
        {
            if (state.Values.Count == 0)
                continue;
            if (perPartition)
            {
                Emit(0, BatchOf(state.Values, state.Keys, state.Timestamps, state.Index));
            }
            else
            {
                values.AddRange(state.Values);
                keys.AddRange(state.Keys ?? []);
                stamps.AddRange(state.Timestamps);
            }

            state.Values.Clear();
            state.Keys?.Clear();
            state.Timestamps.Clear();
        }

        if (values.Count > 0)
            Emit(0, BatchOf(values, _spec.Framed ? keys : null, stamps, -1));
    }

    /// <summary>Text values, or with <see cref="KafkaSource.Framed"/> the keys and values framed (a tombstone's value absent).</summary>
    private static Batch BatchOf(List<string?> values, List<byte[]?>? keys, List<long> stamps, int split)
    {
        if (keys is null)
            return new TextBatch(values.ToArray()!) { Timestamps = [.. stamps], Split = split };
        var framed = new MemoryStream();
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i] is { } text ? System.Text.Encoding.UTF8.GetBytes(text) : null;
            KafkaRecordFrames.Write(framed, null, keys[i], keys[i] is not null, value, value is not null);
        }

        return new BytesBatch(framed.ToArray(), values.Count) { Timestamps = [.. stamps], Split = split };
    }

    private void Advance(PartitionState state, long offset)
    {
        state.Next = offset + 1;
        if (state.Next >= state.Stop)
            Finish(state);
    }

    private void Finish(PartitionState state)
    {
        if (state.Finished)
            return;
        state.Finished = true;
        _active--;
        _watermarks?.Finish(state.Index);
        _consumer!.IncrementalUnassign([state.Partition]);
    }

    private void Undecodable(TopicPartitionOffset at, string reason)
    {
        if (_spec.OnDeserializationFailure == DeserializationFailure.Fail)
            throw new PyStreamException($"Kafka source '{Name}': cannot decode the record at {at.Topic}[{at.Partition.Value}]@{at.Offset.Value}: {reason}");
        if (SkippedRecords++ == 0)
            Logger.SkippedUndecodableRecord(Name, at.Topic, at.Partition.Value, at.Offset.Value, reason);
    }

    private void EmitWatermark() => _watermarks!.EmitDue(Context.Timers.Now);

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        EnsureStarted();
        var splits = _partitions.Values.ToList();
        states[StateKey] = SourceSplits.Write(splits, (writer, split) =>
        {
            writer.Write(split.Partition.Topic);
            writer.Write(split.Partition.Partition.Value);
            writer.Write(split.Next);
            writer.Write(split.Stop);
        });
        if (GroupId.Length > 0 && _properties.GetValueOrDefault(KafkaProperties.CommitOnCheckpoint, "true") != "false")
            _toCommit[barrier.Id] = splits.Select(s => new TopicPartitionOffset(s.Partition, s.Next)).ToList();
    }

    /// <summary>Commits the offsets of the newest completed checkpoint to the group; a failure is reported, not fatal.</summary>
    public override void NotifyCheckpointComplete(long checkpointId)
    {
        var covered = _toCommit.Keys.Where(id => id <= checkpointId).ToList();
        if (covered.Count == 0)
            return;
        var offsets = _toCommit[covered[^1]];
        foreach (var id in covered)
            _toCommit.Remove(id);
        if (offsets.Count == 0)
            return;
        // In the background, one after the other, as Flink commits asynchronously: a slow group
        // coordinator must not hold up records and barriers.
        var consumer = _consumer!;
        var log = Logger;
        _commits = _commits.ContinueWith(_ =>
        {
            try
            {
                consumer.Commit(offsets);
            }
            catch (KafkaException error)
            {
                log.OffsetCommitFailed(Name, GroupId, error.Error.Reason, error);
            }
        }, TaskScheduler.Default);
    }

    /// <summary>Takes the partitions this subtask owns now, whichever subtask read them before.</summary>
    public override void RestoreState(TaskRestore restore)
    {
        var splits = SourceSplits.ReadAll(restore, StateKey, reader =>
            new PartitionState(new TopicPartition(reader.ReadString(), reader.ReadInt32()), reader.ReadInt64(), reader.ReadInt64(), _spec.Framed));
        _restored = splits?.Where(s => KafkaPartitionOwner.Of(s.Partition.Topic, s.Partition.Partition, _parallelism) == _subtask).ToList();
    }

    public override void Close()
    {
        _commits.Wait(TimeSpan.FromSeconds(10));
        _metadata?.Dispose();
        _consumer?.Dispose();
    }

    private static Encoding CharsetOf(string name)
    {
        try
        {
            return Encoding.GetEncoding(name.Length > 0 ? name : "utf-8", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            throw new PyStreamException($"Kafka source: charset '{name}' is not supported");
        }
    }

    /// <summary>Where one partition is: the next offset to read and the offset it stops at (long.MaxValue: never).</summary>
    private sealed class PartitionState(TopicPartition partition, long next, long stop, bool framed)
    {
        public TopicPartition Partition { get; } = partition;

        public long Next { get; set; } = next;

        public long Stop { get; } = stop;

        public bool Finished { get; set; }

        /// <summary>The partition's number among this subtask's (its split id in batches and watermarks).</summary>
        public int Index { get; set; }

        /// <summary>Records read from the partition and not yet emitted.</summary>
        public List<string?> Values { get; } = [];

        /// <summary>The records' keys, kept only for framed records.</summary>
        public List<byte[]?>? Keys { get; } = framed ? [] : null;

        public List<long> Timestamps { get; } = [];
    }

    /// <summary>A key's bytes when the records are framed; otherwise nothing is copied.</summary>
    private sealed class KeyDeserializer(bool read) : IDeserializer<byte[]?>
    {
        public byte[]? Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => isNull || !read ? null : data.ToArray();
    }

    /// <summary>Decodes values straight from librdkafka's buffer; a null value stays null.</summary>
    private sealed class TextDeserializer(Encoding charset) : IDeserializer<string?>
    {
        public string? Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => isNull ? null : charset.GetString(data);
    }
}
