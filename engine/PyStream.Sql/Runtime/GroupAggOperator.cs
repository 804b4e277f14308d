using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// GROUP BY in streaming mode, as Flink's GroupAggFunction: each input row updates its group's
/// accumulators (added, or retracted when the row takes something away) and the group's new
/// result replaces the old one downstream: +I for a new group, -U/+U for a change, -D when
/// every row of the group was retracted; nothing when the result did not change. In batch mode
/// only the final result of each group is emitted, at end of input (a global aggregate's one row
/// even when there was no input). State lives in the task's
/// keyed state backend under the group key's bytes. Groups are kept in memory between batches
/// (as Flink's heap backend keeps objects) and their changes written to the backend at a
/// checkpoint, at end of input in batch mode, or when too many groups are held. The result a group
/// last emitted is a row of a <see cref="RowArena"/> (typed, nothing boxed): a change writes the new
/// result into a new slot, unboxed where the accumulator can, and the output batch is gathered from
/// the slots column by column.
/// </summary>
public sealed class GroupAggOperator : SqlOperator
{
    private readonly AggregateCalls _calls;
    private readonly RowKeys _keys;
    private readonly IReadOnlyList<SqlType> _outputTypes;
    private readonly bool _batchMode;
    private readonly bool _updateBefore;
    /// <summary>The most groups held in front of a store on disk (<see cref="StateCaches.Limit"/>).</summary>
    public const int DefaultMaxCachedGroups = 100_000;

    /// <summary>The groups of the batch being processed (each marked <see cref="Group.Touched"/>).</summary>
    private readonly List<Group> _touched = [];

    /// <summary>
    /// Groups read or changed since the cache was last dropped (a row finds its group with one lookup), and
    /// those changed since they were last written to the backend (each marked <see cref="Group.Unwritten"/>).
    /// </summary>
    private readonly Dictionary<byte[], Group> _cached = new(Engine.State.ByteArrayComparer.Instance);

    /// <summary>
    /// The groups of fixed-width keys met last, by a hash of their key's bytes (direct-mapped, 8 KB): a row of a
    /// group met recently (q4's bids go to the last hundred auctions) is found without the dictionary, whose
    /// buckets and entries lie far apart in memory. Every group here is also in <see cref="_cached"/>.
    /// </summary>
    private readonly Group?[] _recent = new Group?[RecentSize];
    private const int RecentBits = 10;
    private const int RecentSize = 1 << RecentBits;
    private readonly List<Group> _unwritten = [];

    /// <summary>Each group's result last emitted, one slot a group; streaming output is gathered from it.</summary>
    private readonly RowArena _results;
    private readonly SlotRowBuilder _output;

    /// <summary>Batch mode's results at end of input (boxed: once per group).</summary>
    private readonly RowBuilder _batchOutput;
    private string _stateId = "";

    private readonly int? _givenMaxCachedGroups;
    private int _maxCachedGroups;
    private readonly BinaryWriter _storeWriter = new(new MemoryStream());
    private readonly BinaryWriter _accumulatorWriter = new(new MemoryStream());

    /// <summary>Whether the backend may hold groups (null until the first group is loaded).</summary>
    private bool? _backendHoldsGroups;

    /// <param name="maxCachedGroups">How many groups are kept in memory at most (0: every change is written to the backend at the end of its batch; by default <see cref="StateCaches.Limit"/>).</param>
    public GroupAggOperator(string name, RowKeys keys, AggregateCalls calls, IReadOnlyList<SqlType> outputTypes, bool batchMode, int inputCount = 1, bool updateBefore = true,
        int? maxCachedGroups = null)
        : base(name, inputCount)
    {
        _givenMaxCachedGroups = maxCachedGroups;
        _keys = keys;
        _calls = calls;
        _outputTypes = outputTypes;
        _batchMode = batchMode;
        _updateBefore = updateBefore;
        _results = new RowArena(outputTypes);
        _output = new SlotRowBuilder(_results);
        _batchOutput = new RowBuilder(outputTypes);
    }

    public override void Open(TaskContext context)
    {
        base.Open(context);
        _stateId = StateKey + "/groups";
        _maxCachedGroups = StateCaches.Limit(context.State, _givenMaxCachedGroups, DefaultMaxCachedGroups);
    }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        var fixedKeys = _keys.MaxFixedSize >= 0;
        Span<byte> keyBuffer = stackalloc byte[Math.Max(0, _keys.MaxFixedSize)];
        var cached = _cached.GetAlternateLookup<ReadOnlySpan<byte>>();
        for (var i = 0; i < rows.Count; i++)
        {
            // A group met before is found by its key written on the stack: only a new group's key is allocated.
            Group? group;
            if (fixedKeys)
            {
                var written = keyBuffer[.._keys.Write(rows, i, keyBuffer)];
                ref var recent = ref _recent[RecentSlot(written)];
                group = recent;
                if (group is null || !written.SequenceEqual(group.Key))
                {
                    if (!cached.TryGetValue(written, out group))
                        group = Cached(written.ToArray());
                    recent = group;
                }
            }
            else
            {
                var key = _keys.KeyOf(rows, i);
                if (!_cached.TryGetValue(key, out group))
                    group = Cached(key);
            }

            if (!group.Touched)
            {
                group.Touched = true;
                _touched.Add(group);
            }

            var retract = !rows.KindAt(i).IsAccumulate();
            if (retract && group.Rows == 0)
                continue; // a retraction of a row the group never had (state expired): ignored, as Flink does
            _calls.Apply(group.Accumulators, rows, i, retract);
            group.Rows += retract ? -1 : 1;
            if (!_batchMode)
                EmitChange(group, rows, i);
            if (_output.Full)
                EmitRows(_output.Take());
        }

        foreach (var group in _touched)
        {
            group.Touched = false;
            if (group.Rows == 0)
            {
                // Gone (its result retracted): the next row of the group starts from fresh accumulators, as one read from empty state.
                Uncache(group);
                group.Unwritten = false;
                Context.State.Remove(_stateId, group.Key);
            }
            else if (_maxCachedGroups == 0)
            {
                Uncache(group);
                Store(group.Key, group);
                Drop(group);
            }
            else if (!group.Unwritten)
            {
                group.Unwritten = true;
                _unwritten.Add(group);
            }
        }

        _touched.Clear();
        EmitRows(_output.Take());
    }

    /// <summary>A group not in the cache: read from the backend (or new), and cached; a full cache is written and dropped first (but the batch's groups).</summary>
    private Group Cached(byte[] key)
    {
        if (_maxCachedGroups > 0 && _cached.Count >= _maxCachedGroups)
        {
            WriteUnwritten();
            foreach (var dropped in _cached.Values)
            {
                if (!dropped.Touched)
                    Drop(dropped);
            }

            _cached.Clear();
            Array.Clear(_recent);
            foreach (var touched in _touched)
                _cached[touched.Key] = touched;
        }

        var group = Load(key);
        _cached[key] = group;
        return group;
    }

    /// <summary>Writes the groups changed since the last write to the state backend.</summary>
    private void WriteUnwritten()
    {
        foreach (var group in _unwritten)
        {
            if (!group.Unwritten)
                continue; // gone since (its state was removed then)
            group.Unwritten = false;
            Store(group.Key, group);
        }

        _unwritten.Clear();
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        WriteUnwritten();
        base.SnapshotState(barrier, states);
    }

    private void Uncache(Group group)
    {
        _cached.Remove(group.Key);
        ref var recent = ref _recent[RecentSlot(group.Key)];
        if (recent == group)
            recent = null;
    }

    /// <summary>A key's place in <see cref="_recent"/>: its bytes mixed eight at a time, the top bits.</summary>
    private static int RecentSlot(ReadOnlySpan<byte> key)
    {
        var hash = 0UL;
        for (; key.Length >= 8; key = key[8..])
            hash = (hash ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(key)) * 0x9E3779B97F4A7C15UL;
        foreach (var b in key)
            hash = (hash ^ b) * 0x9E3779B97F4A7C15UL;
        return (int)(hash >> (64 - RecentBits));
    }

    /// <summary>A group out of memory (written to the backend): its result's slot is let go (readable until the pending output is built).</summary>
    private void Drop(Group group)
    {
        if (group.Emitted >= 0)
            _results.Release(group.Emitted);
        group.Emitted = -1;
    }

    /// <summary>The group's change after row <paramref name="row"/> of <paramref name="rows"/> (one of its rows): nothing, +I, -U/+U or -D.</summary>
    private void EmitChange(Group group, RowBatch rows, int row)
    {
        var emitted = group.Emitted;
        if (group.Rows == 0)
        {
            if (emitted >= 0)
            {
                _output.Add(RowKind.Delete, emitted);
                _results.Release(emitted);
            }

            group.Emitted = -1;
            return;
        }

        if (emitted >= 0 && SameResult(emitted, group))
            return; // nothing changed downstream: no row is built

        var result = Result(group, rows, row);
        if (emitted < 0)
        {
            _output.Add(RowKind.Insert, result);
        }
        else
        {
            if (_updateBefore)
                _output.Add(RowKind.UpdateBefore, emitted);
            _output.Add(RowKind.UpdateAfter, result);
            _results.Release(emitted);
        }

        group.Emitted = result;
    }

    /// <summary>Whether the accumulators' results are those of the row in <paramref name="slot"/> (its key columns are the group's).</summary>
    private bool SameResult(int slot, Group group)
    {
        var at = _keys.Columns.Count;
        for (var c = 0; c < group.Accumulators.Length; c++)
        {
            if (!group.Accumulators[c].ResultEquals(_results.Column(at + c), slot))
                return false;
        }

        return true;
    }

    /// <summary>A new slot holding the group's key (the values of row <paramref name="row"/>, one of the group's) and its results, written unboxed where the accumulators can.</summary>
    private int Result(Group group, RowBatch rows, int row)
    {
        var slot = _results.Reserve();
        var keyColumns = _keys.Columns;
        for (var k = 0; k < keyColumns.Count; k++)
            _results.Column(k).CopyFrom(rows.Columns[keyColumns[k]], row, slot);
        for (var c = 0; c < group.Accumulators.Length; c++)
            group.Accumulators[c].WriteResult(_results.Column(keyColumns.Count + c), slot);
        return slot;
    }

    /// <summary>A group's result row, boxed (batch mode's output at end of input).</summary>
    private object?[] BoxedResult(Group group)
    {
        var keyValues = _keys.Values(group.Key);
        var result = new object?[keyValues.Length + group.Accumulators.Length];
        keyValues.CopyTo(result, 0);
        for (var c = 0; c < group.Accumulators.Length; c++)
            result[keyValues.Length + c] = group.Accumulators[c].Result;
        return result;
    }

    protected override void Finish()
    {
        if (_batchMode)
        {
            WriteUnwritten();
            var emitted = false;
            foreach (var (key, value) in Context.State.Entries(_stateId).ToList())
            {
                var group = Decode(key, value);
                Drop(group);
                if (group.Rows > 0)
                {
                    _batchOutput.Add(RowKind.Insert, BoxedResult(group));
                    emitted = true;
                }

                if (_batchOutput.Count >= 8192)
                    EmitRows(_batchOutput.Take());
            }

            // A global aggregate (no GROUP BY) has one row even without input, as in SQL: COUNT 0, SUM NULL.
            if (!emitted && _keys.Columns.Count == 0)
                _batchOutput.Add(RowKind.Insert, [.. _calls.Create().Select(a => a.Result)]);
            EmitRows(_batchOutput.Take());
        }

        base.Finish();
    }

    /// <summary>A group's state, read from the backend only when it may hold groups (restored, or written since): a new group is not looked up there.</summary>
    private Group Load(byte[] key)
    {
        _backendHoldsGroups ??= Context.State.Entries(_stateId).Any();
        return _backendHoldsGroups == true && Context.State.Get(_stateId, key) is { } stored
            ? Decode(key, stored)
            : new Group(key, _calls.Create(), 0, -1);
    }

    private Group Decode(byte[] key, byte[] stored)
    {
        using var reader = new BinaryReader(new MemoryStream(stored));
        var emitted = reader.ReadBoolean() ? _results.Add(ValueCodec.ReadRow(reader, _outputTypes)) : -1;
        var accumulators = _calls.Deserialize(reader.ReadBytes(reader.ReadInt32()), out var rows);
        return new Group(key, accumulators, rows, emitted);
    }

    private void Store(byte[] key, Group group)
    {
        if (group.Rows == 0)
        {
            Context.State.Remove(_stateId, key);
            return;
        }

        // Two reused buffers: the accumulators' bytes are framed by their length inside the stored value.
        var (stream, accumulators) = ((MemoryStream)_storeWriter.BaseStream, (MemoryStream)_accumulatorWriter.BaseStream);
        stream.SetLength(0);
        accumulators.SetLength(0);
        _storeWriter.Write(group.Emitted >= 0);
        if (group.Emitted >= 0)
            ValueCodec.WriteRow(_storeWriter, _results, group.Emitted);
        AggregateCalls.Serialize(_accumulatorWriter, group.Accumulators, group.Rows);
        _accumulatorWriter.Flush();
        _storeWriter.Write((int)accumulators.Length);
        _storeWriter.Write(accumulators.GetBuffer().AsSpan(0, (int)accumulators.Length));
        _storeWriter.Flush();
        Context.State.Put(_stateId, key, stream.GetBuffer().AsSpan(0, (int)stream.Length));
        _backendHoldsGroups = true;
    }

    private sealed class Group(byte[] key, Accumulator[] accumulators, long rows, int emitted)
    {
        public byte[] Key { get; } = key;

        public Accumulator[] Accumulators { get; } = accumulators;

        public long Rows { get; set; } = rows;

        /// <summary>The slot of the result last sent downstream (what a later change retracts), or -1.</summary>
        public int Emitted { get; set; } = emitted;

        /// <summary>Whether a row of the batch being processed changed the group.</summary>
        public bool Touched { get; set; }

        /// <summary>Whether the group changed since it was last written to the backend (it is listed in the unwritten groups).</summary>
        public bool Unwritten { get; set; }
    }
}
