using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Sql.Functions;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// ROW_NUMBER() = 1 by a time attribute (Flink's deduplicate functions), per key:
/// <list type="bullet">
/// <item>keep first row, processing time: the first row that arrives, +I; later rows nothing.</item>
/// <item>keep first row, event time: the row of the smallest rowtime waits until the watermark
/// passes it, then +I; rows behind the watermark when they come are late and dropped; after the
/// emission every row of the key is ignored. Append-only.</item>
/// <item>keep last row: +I for the first row, then -U of the kept row and +U of the new one for a
/// row that arrives later (processing time; an identical row sends nothing) or whose rowtime is
/// not before the kept one's (event time).</item>
/// </list>
/// The kept (or waiting) row, or the mark that a key's first row went out, lives in the task's
/// keyed state backend. Without a TTL, keep-last and keep-first on processing time hold each
/// key's row (or mark) in memory, rows in a <see cref="RowArena"/>, and write those that changed
/// to the backend at a checkpoint (as Flink's heap backend holds objects), so a row is never
/// decoded and is encoded at most once per checkpoint. With <c>table.exec.state.ttl</c>
/// (<paramref name="stateTtlMillis"/>) a key's kept row or first-row mark is forgotten that long
/// after it was written (a waiting row is not: the watermark clears it), and a keep-last on
/// processing time then sends identical rows again, as Flink's does to keep downstream state alive.
/// </summary>
public sealed class DeduplicateOperator(string name, RowKeys keys, RankDeduplication spec, IReadOnlyList<SqlType> types, int inputCount = 1, long stateTtlMillis = 0)
    : SqlOperator(name, inputCount)
{
    /// <summary>What a key's entry in <see cref="_kept"/> holds when only the mark that its first row went out is kept.</summary>
    private const int Emitted = -1;

    private const int MaxKeptKeys = 1_000_000;

    private readonly RowBuilder _output = new(types);
    private readonly RowCodec _codec = new(types);

    /// <summary>In memory: the kept rows, and the rows to emit (read from the arena).</summary>
    private readonly SlotRowBuilder _keptOutput = new(new RowArena(types));

    /// <summary>In memory (no TTL, not keep-first on event time): each key's kept row's slot (or <see cref="Emitted"/>), and the keys not written to the backend since.</summary>
    private readonly Dictionary<byte[], int> _kept = new(ByteArrayComparer.Instance);
    private readonly HashSet<byte[]> _unwritten = new(ByteArrayComparer.Instance);

    /// <summary>
    /// Whether the backend may hold keys that memory does not (it had entries when the first row
    /// came, after a restore, or keys were let go to bound memory): only then is a key missing
    /// from memory looked up there. Null until the first row.
    /// </summary>
    private bool? _backendHoldsMore;

    private string _rowState = "";
    private string _emittedState = "";

    /// <summary>Keep-first on event time: the keys whose waiting row has each rowtime.</summary>
    private KeyTimers? _timers;
    private StateRetention? _retention;

    public long LateRowsDropped { get; private set; }

    private bool FirstOnRowtime => !spec.KeepLastRow && spec.RowTime;

    private bool InMemory => _retention is null && !FirstOnRowtime;

    private RowArena Arena => _keptOutput.Arena;

    public override void Open(TaskContext context)
    {
        base.Open(context);
        _rowState = StateKey + "/row";
        _emittedState = StateKey + "/emitted";
        _retention = FirstOnRowtime ? StateRetention.For(stateTtlMillis, context, _emittedState) : StateRetention.For(stateTtlMillis, context, _rowState, _emittedState);
        _timers = new KeyTimers(() => FirstOnRowtime
            ? Context.State.Entries(_rowState).Select(e => (RowTime(_codec.Decode(e.Value)), e.Key))
            : []);
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        WriteKept();
        base.SnapshotState(barrier, states);
    }

    /// <summary>Writes the kept rows (or marks) that changed since the last write to the backend.</summary>
    private void WriteKept()
    {
        foreach (var key in _unwritten)
        {
            var slot = _kept[key];
            if (slot == Emitted)
                Context.State.Put(_emittedState, key, [1]);
            else
                Context.State.Put(_rowState, key, _codec.Encode(Arena.Boxed(slot)));
        }

        _unwritten.Clear();
    }

    private KeyTimers Timers => _timers ?? throw new InvalidOperationException("the deduplication is not open");

    protected override void ProcessRows(int input, RowBatch rows)
    {
        // A key of fixed-width columns is looked up in memory without allocating its bytes (most keys come again).
        Span<byte> buffer = stackalloc byte[Math.Max(0, keys.MaxFixedSize)];
        for (var i = 0; i < rows.Count; i++)
        {
            if (!rows.KindAt(i).IsAccumulate())
                throw new SqlRuntimeException($"'{Name}' deduplicates an append-only input, but got a {rows.KindAt(i)} row");
            if (InMemory)
            {
                ReadOnlySpan<byte> keyBytes = keys.MaxFixedSize < 0 ? keys.KeyOf(rows, i) : buffer[..keys.Write(rows, i, buffer)];
                if (spec.KeepLastRow)
                    KeepLastInMemory(keyBytes, rows, i);
                else
                    KeepFirstInMemory(keyBytes, rows, i);
                if (_keptOutput.Full)
                    EmitRows(_keptOutput.Take());
                continue;
            }

            var key = keys.KeyOf(rows, i);
            if (!spec.KeepLastRow && !spec.RowTime)
            {
                if (Read(_emittedState, key) is not null)
                    continue;
                Write(_emittedState, key, [1]);
                _output.Add(RowKind.Insert, Row(rows, i));
            }
            else if (FirstOnRowtime)
            {
                WaitFirst(key, rows, i);
            }
            else
            {
                KeepLast(key, Row(rows, i));
            }
        }

        EmitRows(_output.Take());
        EmitRows(_keptOutput.Take());
    }

    private void KeepLast(byte[] key, object?[] row)
    {
        var stored = Read(_rowState, key);
        var previous = stored is null ? null : _codec.Decode(stored);
        if (previous is not null && spec.RowTime && RowTime(previous) > RowTime(row))
            return; // an earlier rowtime than the kept row's: the kept row stays the last
        var current = _codec.Encode(row);
        Write(_rowState, key, current);
        if (previous is null)
        {
            _output.Add(RowKind.Insert, row);
            return;
        }

        _output.Add(RowKind.UpdateBefore, previous);
        _output.Add(RowKind.UpdateAfter, row);
    }

    /// <summary>A key's kept row's slot, or <see cref="Emitted"/>, or null for a key never seen; from the backend when not in memory.</summary>
    private int? Kept(ReadOnlySpan<byte> key)
    {
        if (_kept.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var slot))
            return slot;
        if (_kept.Count >= MaxKeptKeys)
        {
            // Bounded memory: everything is written, then read back as keys come again.
            WriteKept();
            foreach (var kept in _kept.Values.Where(k => k != Emitted))
                Arena.Release(kept);
            _kept.Clear();
            _backendHoldsMore = true;
        }

        _backendHoldsMore ??= Context.State.Entries(_rowState).Any() || Context.State.Entries(_emittedState).Any();
        if (_backendHoldsMore == false)
            return null;
        if (spec.KeepLastRow)
            return Context.State.Get(_rowState, key) is { } stored ? Keep(key, Arena.Add(_codec.Decode(stored)), written: true) : null;
        return Context.State.Get(_emittedState, key) is not null ? Keep(key, Emitted, written: true) : null;
    }

    /// <summary>Sets a key's kept row's slot (or <see cref="Emitted"/>); unless the backend holds it, it is written at the next checkpoint.</summary>
    private int Keep(ReadOnlySpan<byte> key, int slot, bool written = false)
    {
        _kept.GetAlternateLookup<ReadOnlySpan<byte>>()[key] = slot;
        if (!written)
            _unwritten.GetAlternateLookup<ReadOnlySpan<byte>>().Add(key);
        return slot;
    }

    private void KeepFirstInMemory(ReadOnlySpan<byte> key, RowBatch rows, int i)
    {
        if (Kept(key) is not null)
            return;
        Keep(key, Emitted);
        var slot = Arena.Add(rows, i);
        _keptOutput.Add(RowKind.Insert, slot);
        Arena.Release(slot); // only emitted: readable until the output is built
    }

    private void KeepLastInMemory(ReadOnlySpan<byte> key, RowBatch rows, int i)
    {
        var previous = Kept(key);
        if (previous is { } kept)
        {
            // The time column alone first: a row of an earlier rowtime than the kept one's changes nothing.
            if (spec.RowTime && KeptRowTime(kept) > RowTime(rows, i))
                return;
            if (!spec.RowTime && Arena.Same(kept, rows, i))
                return; // an identical row on processing time: nothing changes downstream
        }

        var slot = Keep(key, Arena.Add(rows, i));
        if (previous is not { } old)
        {
            _keptOutput.Add(RowKind.Insert, slot);
            return;
        }

        _keptOutput.Add(RowKind.UpdateBefore, old);
        _keptOutput.Add(RowKind.UpdateAfter, slot);
        Arena.Release(old);
    }

    private void WaitFirst(byte[] key, RowBatch rows, int i)
    {
        var row = Row(rows, i);
        var rowtime = RowTime(row);
        if (rowtime < CurrentWatermark)
        {
            LateRowsDropped++;
            return;
        }

        if (Read(_emittedState, key) is not null)
            return;
        if (Context.State.Get(_rowState, key) is { } waiting && RowTime(_codec.Decode(waiting)) <= rowtime)
            return;
        Context.State.Put(_rowState, key, _codec.Encode(row));
        Timers.Add(rowtime, key);
    }

    protected override void OnWatermark(long watermark)
    {
        Timers.Fire(watermark, (timestamp, key) =>
        {
            // A key whose waiting row was replaced by an earlier one fired then; its later timer finds nothing.
            if (Context.State.Get(_rowState, key) is not { } waiting || RowTime(_codec.Decode(waiting)) != timestamp)
                return;
            _output.Add(RowKind.Insert, _codec.Decode(waiting));
            Context.State.Remove(_rowState, key);
            Write(_emittedState, key, [1]);
            if (_output.Count >= 8192)
                EmitRows(_output.Take());
        });
        EmitRows(_output.Take());
        base.OnWatermark(watermark);
    }

    /// <summary>A value of a state under the TTL: null once expired.</summary>
    private byte[]? Read(string stateId, byte[] key) =>
        Context.State.Get(stateId, key) is not { } stored ? null : _retention is null ? stored : _retention.Live(stored, out _);

    private void Write(string stateId, byte[] key, byte[] value) =>
        Context.State.Put(stateId, key, _retention is null ? value : _retention.Stamp(value));

    private long RowTime(object?[] row) => RowTime(row[spec.TimeColumn]);

    private long KeptRowTime(int slot) => Arena.Column(spec.TimeColumn) is SlotColumn<long> times
        ? times.IsNull(slot) ? long.MinValue : TimeMath.MillisOf(times.Value(slot))
        : RowTime(Arena.Column(spec.TimeColumn).GetBoxed(slot));

    private long RowTime(RowBatch rows, int i) => rows.Columns[spec.TimeColumn] is Column<long> times
        ? times.IsNull(i) ? long.MinValue : TimeMath.MillisOf(times.Values[i])
        : RowTime(rows.Columns[spec.TimeColumn].GetBoxed(i));

    private static long RowTime(object? time) => time is long micros ? TimeMath.MillisOf(micros) : long.MinValue;

    private object?[] Row(RowBatch rows, int i)
    {
        var row = new object?[types.Count];
        for (var c = 0; c < row.Length; c++)
            row[c] = rows.Columns[c].GetBoxed(i);
        return row;
    }
}
