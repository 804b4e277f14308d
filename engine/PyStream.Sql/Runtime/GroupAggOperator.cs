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
/// checkpoint, at end of input in batch mode, or when too many groups are held.
/// </summary>
public sealed class GroupAggOperator : SqlOperator
{
    private readonly AggregateCalls _calls;
    private readonly RowKeys _keys;
    private readonly IReadOnlyList<SqlType> _outputTypes;
    private readonly bool _batchMode;
    private readonly bool _updateBefore;
    public const int DefaultMaxCachedGroups = 100_000;

    /// <summary>The groups of the batch being processed (each marked <see cref="Group.Touched"/>).</summary>
    private readonly List<Group> _touched = [];

    /// <summary>
    /// Groups read or changed since the cache was last dropped (a row finds its group with one lookup), and
    /// those changed since they were last written to the backend (each marked <see cref="Group.Unwritten"/>).
    /// </summary>
    private readonly Dictionary<byte[], Group> _cached = new(Engine.State.ByteArrayComparer.Instance);
    private readonly List<Group> _unwritten = [];
    private readonly RowBuilder _output;
    private string _stateId = "";

    private readonly int _maxCachedGroups;
    private readonly BinaryWriter _storeWriter = new(new MemoryStream());
    private readonly BinaryWriter _accumulatorWriter = new(new MemoryStream());

    /// <summary>Whether the backend may hold groups (null until the first group is loaded).</summary>
    private bool? _backendHoldsGroups;

    /// <param name="maxCachedGroups">How many groups are kept in memory at most (0: every change is written to the backend at the end of its batch).</param>
    public GroupAggOperator(string name, RowKeys keys, AggregateCalls calls, IReadOnlyList<SqlType> outputTypes, bool batchMode, int inputCount = 1, bool updateBefore = true,
        int maxCachedGroups = DefaultMaxCachedGroups)
        : base(name, inputCount)
    {
        _maxCachedGroups = maxCachedGroups;
        _keys = keys;
        _calls = calls;
        _outputTypes = outputTypes;
        _batchMode = batchMode;
        _updateBefore = updateBefore;
        _output = new RowBuilder(outputTypes);
    }

    public override void Open(TaskContext context)
    {
        base.Open(context);
        _stateId = StateKey + "/groups";
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
                if (!cached.TryGetValue(written, out group))
                    group = Cached(written.ToArray());
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
                EmitChange(group);
        }

        foreach (var group in _touched)
        {
            group.Touched = false;
            if (group.Rows == 0)
            {
                // Gone: the next row of the group starts from fresh accumulators, as one read from empty state.
                _cached.Remove(group.Key);
                group.Unwritten = false;
                Context.State.Remove(_stateId, group.Key);
            }
            else if (_maxCachedGroups == 0)
            {
                _cached.Remove(group.Key);
                Store(group.Key, group);
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
            _cached.Clear();
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

    private void EmitChange(Group group)
    {
        if (group.Rows == 0)
        {
            if (group.Emitted is { } last)
                _output.Add(RowKind.Delete, last);
            group.Emitted = null;
            return;
        }

        if (group.Emitted is { } emitted && SameResult(emitted, group))
            return; // nothing changed downstream: no row is built

        var result = Result(group);
        if (group.Emitted is null)
        {
            _output.Add(RowKind.Insert, result);
        }
        else
        {
            if (_updateBefore)
                _output.Add(RowKind.UpdateBefore, group.Emitted);
            _output.Add(RowKind.UpdateAfter, result);
        }

        group.Emitted = result;
    }

    /// <summary>Whether the accumulators' results are those of the row last emitted (its key columns are the group's).</summary>
    private static bool SameResult(object?[] emitted, Group group)
    {
        var at = emitted.Length - group.Accumulators.Length;
        for (var c = 0; c < group.Accumulators.Length; c++)
        {
            if (!group.Accumulators[c].ResultEquals(emitted[at + c]))
                return false;
        }

        return true;
    }

    private static object?[] Result(Group group)
    {
        var keyValues = group.KeyValues;
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
                if (group.Rows > 0)
                {
                    _output.Add(RowKind.Insert, Result(group));
                    emitted = true;
                }

                if (_output.Count >= 8192)
                    EmitRows(_output.Take());
            }

            // A global aggregate (no GROUP BY) has one row even without input, as in SQL: COUNT 0, SUM NULL.
            if (!emitted && _keys.Columns.Count == 0)
                _output.Add(RowKind.Insert, [.. _calls.Create().Select(a => a.Result)]);
            EmitRows(_output.Take());
        }

        base.Finish();
    }

    /// <summary>A group's state, read from the backend only when it may hold groups (restored, or written since): a new group is not looked up there.</summary>
    private Group Load(byte[] key)
    {
        _backendHoldsGroups ??= Context.State.Entries(_stateId).Any();
        return _backendHoldsGroups == true && Context.State.Get(_stateId, key) is { } stored
            ? Decode(key, stored)
            : new Group(key, _keys.Values(key), _calls.Create(), 0, null);
    }

    private Group Decode(byte[] key, byte[] stored)
    {
        using var reader = new BinaryReader(new MemoryStream(stored));
        var emitted = reader.ReadBoolean() ? ValueCodec.ReadRow(reader, _outputTypes) : null;
        var accumulators = _calls.Deserialize(reader.ReadBytes(reader.ReadInt32()), out var rows);
        return new Group(key, _keys.Values(key), accumulators, rows, emitted);
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
        _storeWriter.Write(group.Emitted is not null);
        if (group.Emitted is not null)
            ValueCodec.WriteRow(_storeWriter, group.Emitted, _outputTypes);
        AggregateCalls.Serialize(_accumulatorWriter, group.Accumulators, group.Rows);
        _accumulatorWriter.Flush();
        _storeWriter.Write((int)accumulators.Length);
        _storeWriter.Write(accumulators.GetBuffer().AsSpan(0, (int)accumulators.Length));
        _storeWriter.Flush();
        Context.State.Put(_stateId, key, stream.GetBuffer().AsSpan(0, (int)stream.Length));
        _backendHoldsGroups = true;
    }

    private sealed class Group(byte[] key, object?[] keyValues, Accumulator[] accumulators, long rows, object?[]? emitted)
    {
        public byte[] Key { get; } = key;

        /// <summary>The group key's column values, decoded once: the first columns of every result row.</summary>
        public object?[] KeyValues { get; } = keyValues;

        public Accumulator[] Accumulators { get; } = accumulators;

        public long Rows { get; set; } = rows;

        /// <summary>The result last sent downstream (what a later change retracts), or null.</summary>
        public object?[]? Emitted { get; set; } = emitted;

        /// <summary>Whether a row of the batch being processed changed the group.</summary>
        public bool Touched { get; set; }

        /// <summary>Whether the group changed since it was last written to the backend (it is listed in the unwritten groups).</summary>
        public bool Unwritten { get; set; }
    }
}
