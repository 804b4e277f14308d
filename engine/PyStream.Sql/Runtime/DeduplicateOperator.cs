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
/// The kept (or waiting) row lives in the task's keyed state backend. A keep-last on event time
/// without a TTL also keeps each key's row in memory and writes the rows that changed to the
/// backend at a checkpoint (as Flink's heap backend holds objects), so a row is never decoded
/// and is encoded at most once per checkpoint. With <c>table.exec.state.ttl</c>
/// (<paramref name="stateTtlMillis"/>) a key's kept row or first-row mark is forgotten that long
/// after it was written (a waiting row is not: the watermark clears it), and a keep-last on
/// processing time then sends identical rows again, as Flink's does to keep downstream state alive.
/// </summary>
public sealed class DeduplicateOperator(string name, RowKeys keys, RankDeduplication spec, IReadOnlyList<SqlType> types, int inputCount = 1, long stateTtlMillis = 0)
    : SqlOperator(name, inputCount)
{
    private readonly RowBuilder _output = new(types);
    private readonly RowCodec _codec = new(types);

    /// <summary>Keep-last on event time without a TTL: each key's kept row, and those not written to the backend yet.</summary>
    private readonly Dictionary<byte[], object?[]> _kept = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], object?[]> _unwritten = new(ByteArrayComparer.Instance);

    private const int MaxKeptRows = 1_000_000;

    private string _rowState = "";
    private string _emittedState = "";

    /// <summary>Keep-first on event time: the keys whose waiting row has each rowtime.</summary>
    private KeyTimers? _timers;
    private StateRetention? _retention;

    public long LateRowsDropped { get; private set; }

    private bool FirstOnRowtime => !spec.KeepLastRow && spec.RowTime;

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

    private void WriteKept()
    {
        foreach (var (key, row) in _unwritten)
            Context.State.Put(_rowState, key, _codec.Encode(row));
        _unwritten.Clear();
    }

    private KeyTimers Timers => _timers ?? throw new InvalidOperationException("the deduplication is not open");

    protected override void ProcessRows(int input, RowBatch rows)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            if (!rows.KindAt(i).IsAccumulate())
                throw new SqlRuntimeException($"'{Name}' deduplicates an append-only input, but got a {rows.KindAt(i)} row");
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
            else if (spec.RowTime && _retention is null)
            {
                KeepLastInMemory(key, rows, i);
            }
            else
            {
                KeepLast(key, Row(rows, i));
            }
        }

        EmitRows(_output.Take());
    }

    private void KeepLast(byte[] key, object?[] row)
    {
        var stored = Read(_rowState, key);
        var previous = stored is null ? null : _codec.Decode(stored);
        if (previous is not null && spec.RowTime && RowTime(previous) > RowTime(row))
            return; // an earlier rowtime than the kept row's: the kept row stays the last
        var current = _codec.Encode(row);
        if (previous is not null && !spec.RowTime && _retention is null && stored.AsSpan().SequenceEqual(current))
            return;
        Write(_rowState, key, current);
        if (previous is null)
        {
            _output.Add(RowKind.Insert, row);
            return;
        }

        _output.Add(RowKind.UpdateBefore, previous);
        _output.Add(RowKind.UpdateAfter, row);
    }

    private void KeepLastInMemory(byte[] key, RowBatch rows, int i)
    {
        if (!_kept.TryGetValue(key, out var previous) && Context.State.Get(_rowState, key) is { } stored)
            previous = _codec.Decode(stored);
        // The time column alone first: a row of an earlier rowtime than the kept one's changes nothing.
        if (previous is not null && RowTime(previous) > RowTime(rows.Columns[spec.TimeColumn].GetBoxed(i)))
            return;
        if (_kept.Count >= MaxKeptRows)
        {
            WriteKept();
            _kept.Clear();
        }

        var row = Row(rows, i);
        _kept[key] = row;
        _unwritten[key] = row;
        if (previous is null)
        {
            _output.Add(RowKind.Insert, row);
            return;
        }

        _output.Add(RowKind.UpdateBefore, previous);
        _output.Add(RowKind.UpdateAfter, row);
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

    private static long RowTime(object? time) => time is long micros ? TimeMath.MillisOf(micros) : long.MinValue;

    private object?[] Row(RowBatch rows, int i)
    {
        var row = new object?[types.Count];
        for (var c = 0; c < row.Length; c++)
            row[c] = rows.Columns[c].GetBoxed(i);
        return row;
    }
}
