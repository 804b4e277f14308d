using System.Buffers.Binary;
using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;

namespace PyStream.Benchmarks;

/// <summary>
/// Native records for the benchmarks' engine-level jobs (built by <see cref="GeneratorConnector"/>): record i has value i, key i mod keys (canonical int
/// key bytes: tag 3, then the number big-endian) and timestamp i * 1000 / eventsPerSecond.
/// The range is split over subtasks as NumberSequenceSource splits it.
/// </summary>
internal sealed class GeneratorSourceOperator : SourceOperator
{
    // Under the large-object threshold for its three arrays: they stay cheap, short-lived gen0 garbage.
    private const int GeneratorBatchSize = 8192;
    private const int KeyBytes = 9;
    private readonly long _keys;
    private readonly long _eventsPerSecond;
    private long _next;
    private long _end;

    public GeneratorSourceOperator(string name, long count, long keys, long eventsPerSecond, int subtask, int parallelism) : base(name)
    {
        if (count < 0 || keys <= 0 || eventsPerSecond <= 0)
            throw new PyStreamException($"'{name}': a generator needs count >= 0, keys > 0 and events per second > 0");
        _keys = keys;
        _eventsPerSecond = eventsPerSecond;
        var share = count / parallelism;
        var extra = count % parallelism;
        _next = (subtask * share) + Math.Min(subtask, extra);
        _end = _next + share + (subtask < extra ? 1 : 0);
    }

    public override bool EmitNext()
    {
        if (_next >= _end)
            return false;
        var count = (int)Math.Min(GeneratorBatchSize, _end - _next);
        var keys = new byte[count * KeyBytes];
        var ends = new long[count];
        var stamps = new long[count];
        // Key and timestamp advance incrementally: no division per record.
        var key = _next % _keys;
        var timestamp = _next * 1000 / _eventsPerSecond;
        var carry = _next * 1000 % _eventsPerSecond;
        for (var i = 0; i < count; i++)
        {
            keys[i * KeyBytes] = 0x03;
            BinaryPrimitives.WriteInt64BigEndian(keys.AsSpan((i * KeyBytes) + 1, 8), key);
            ends[i] = (i + 1) * KeyBytes;
            stamps[i] = timestamp;
            if (++key == _keys)
                key = 0;
            carry += 1000;
            while (carry >= _eventsPerSecond)
            {
                carry -= _eventsPerSecond;
                timestamp++;
            }
        }

        Emit(0, new LongRangeBatch(_next, count) { Keys = new KeyBlob(keys, ends), Timestamps = stamps });
        _next += count;
        return _next < _end;
    }

    /// <summary>Record i is a function of i alone, so the position is the whole state (one split: [next, end)).</summary>
    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states) =>
        states[StateKey] = SourceSplits.Write(_next < _end ? [(_next, _end)] : Array.Empty<(long, long)>(), (w, s) =>
        {
            w.Write(s.Item1);
            w.Write(s.Item2);
        });

    public override void RestoreState(TaskRestore restore)
    {
        if (SourceSplits.Assign(restore, StateKey, r => (r.ReadInt64(), r.ReadInt64())) is not { } splits)
            return;
        if (splits.Count > 1)
            throw new PyStreamException($"'{Name}': a generator restores at its own parallelism only");
        (_next, _end) = splits.Count == 1 ? splits[0] : (0, 0);
    }
}
