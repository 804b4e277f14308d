using System.Globalization;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>How the datagen connector makes one field: a sequence (start..end, then the source ends) or random values.</summary>
public sealed record DatagenField(string Name, SqlType Type, bool Sequence, long Start, long End, double Min, double Max, int Length, double NullRate);

/// <summary>
/// Flink's datagen connector: rows at rows-per-second (shared by the subtasks), number-of-rows
/// in all, random fields (deterministic here: seeded by the row's index) and sequence fields
/// (start..end; the source ends when a sequence does). Rows are numbered 0..total-1; subtask i
/// of p starts with the split of rows i, i + p, ...; splits are what checkpoints keep, so a
/// restore at another parallelism hands them out again and every row is made exactly once.
/// </summary>
public sealed class DatagenSourceOperator : SqlSourceOperator
{
    private readonly IReadOnlyList<DatagenField> _fields;
    private readonly double _rowsPerSecond;
    private List<DatagenSplit> _splits;
    private Random _random = new(0);
    private long _emitted;
    private long _startedAt = -1;

    public DatagenSourceOperator(string name, IReadOnlyList<DatagenField> fields, double rowsPerSecond, long? numberOfRows, int subtask, int parallelism) : base(name)
    {
        _fields = fields;
        _rowsPerSecond = rowsPerSecond / parallelism;
        var total = numberOfRows ?? long.MaxValue;
        var sequenceRows = fields.Where(f => f.Sequence).Select(f => f.End - f.Start + 1).DefaultIfEmpty(long.MaxValue).Min();
        total = Math.Min(total, sequenceRows);
        var mine = total == long.MaxValue ? long.MaxValue : (total / parallelism) + (subtask < total % parallelism ? 1 : 0);
        _splits = mine > 0 ? [new DatagenSplit(subtask, parallelism, mine)] : [];
    }

    /// <summary>
    /// Each split (a subtask's numbering in the first run) has its own watermark when a table's
    /// WATERMARK is chained behind: a subtask that took over several splits after a rescale reads
    /// them in turns, and none of their rows is late because another split ran ahead.
    /// </summary>
    public override bool HasSplits => true;

    private int _turn;
    private bool _splitsAnnounced;

    public override bool EmitNext()
    {
        if (!_splitsAnnounced)
        {
            _splitsAnnounced = true;
            foreach (var s in _splits)
                SplitWatermarks?.Add(s.Id, Context.Timers.Now);
        }

        if (_splits.Count == 0)
            return false;
        var now = Context.Time.GetTimestamp();
        if (_startedAt < 0)
            _startedAt = now;
        var elapsed = Context.Time.GetElapsedTime(_startedAt, now).TotalSeconds;
        var due = double.IsPositiveInfinity(_rowsPerSecond) ? long.MaxValue : (long)Math.Min(long.MaxValue / 2, (elapsed * _rowsPerSecond) + 1);
        var index = _turn++ % _splits.Count;
        var split = _splits[index];
        var count = (int)Math.Min(Math.Min(NextBatchSize(BatchSize), split.Remaining), Math.Max(0, due - _emitted));
        if (count == 0)
        {
            // Ahead of the rate: wait for the next row (briefly, so the task sees its mailbox).
            var wait = TimeSpan.FromSeconds(Math.Min(0.05, 1 / _rowsPerSecond));
            Context.Cancellation.WaitHandle.WaitOne(wait);
            return true;
        }

        // Seeded by position: a restored source makes the rows the failed run would have made.
        _random = new Random(HashCode.Combine(split.Next));
        var columns = _fields.Select(f => Generate(f, split, count)).ToArray();
        _emitted += count;
        var rest = split.After(count);
        if (rest.Remaining > 0)
            _splits[index] = rest;
        else
            _splits.RemoveAt(index);
        EmitRows(new RowBatch(columns, count) { Split = split.Id });
        if (rest.Remaining == 0)
            SplitWatermarks?.Finish(split.Id);
        return _splits.Count > 0;
    }

    private Column Generate(DatagenField field, DatagenSplit split, int count)
    {
        var column = Column.Create(field.Type.ClrType, count);
        if (field.Sequence && field.NullRate <= 0 && FillSequence(column, field.Type.Kind, field.Start + split.Next, split.Step))
            return column;
        for (var i = 0; i < count; i++)
        {
            if (field.NullRate > 0 && _random.NextDouble() < field.NullRate)
            {
                (column.Nulls ??= new bool[count])[i] = true;
                continue;
            }

            Set(column, i, field, field.Start + split.Next + (i * split.Step));
        }

        return column;
    }

    /// <summary>
    /// A sequence of integers or doubles with no nulls, filled by one loop of the
    /// column's type rather than a type test per value; false for other types (made by <see cref="Set"/>).
    /// Nothing random is drawn either way, so the rows are the same.
    /// </summary>
    private static bool FillSequence(Column column, SqlTypeKind kind, long first, long step)
    {
        switch (column)
        {
            case Column<long> c when kind == SqlTypeKind.BigInt: Fill(c.Values, first, step); return true;
            case Column<int> c when kind == SqlTypeKind.Int: Fill(c.Values, first, step); return true;
            case Column<short> c: Fill(c.Values, first, step); return true;
            case Column<sbyte> c: Fill(c.Values, first, step); return true;
            case Column<double> c: Fill(c.Values, first, step); return true;
            default: return false;
        }
    }

    /// <summary>first, first + step, ... converted as a cast does (integers truncated, as <see cref="Set"/>'s casts).</summary>
    private static void Fill<T>(T[] values, long first, long step)
        where T : System.Numerics.INumberBase<T>
    {
        for (var i = 0; i < values.Length; i++)
            values[i] = T.CreateTruncating(first + (i * step));
    }

    private void Set(Column column, int i, DatagenField f, long sequence)
    {
        switch (column)
        {
            case Column<bool> c: c.Values[i] = _random.Next(2) == 1; break;
            case Column<sbyte> c: c.Values[i] = (sbyte)Integer(f, sequence); break;
            case Column<short> c: c.Values[i] = (short)Integer(f, sequence); break;
            case Column<int> c when f.Type.Kind == SqlTypeKind.Int: c.Values[i] = (int)Integer(f, sequence); break;
            case Column<int> c when f.Type.Kind == SqlTypeKind.Date: c.Values[i] = (int)(UnixMillis() / 86_400_000); break;
            case Column<int> c: c.Values[i] = (int)(UnixMillis() % 86_400_000); break;
            case Column<long> c when f.Type.IsTimestamp: c.Values[i] = UnixMillis() * 1000; break;
            case Column<long> c: c.Values[i] = Integer(f, sequence); break;
            case Column<float> c: c.Values[i] = (float)Real(f, sequence); break;
            case Column<double> c: c.Values[i] = Real(f, sequence); break;
            case Column<decimal> c: c.Values[i] = Math.Round((decimal)Real(f, sequence), f.Type.Scale); break;
            case Column<string> c: c.Values[i] = f.Sequence ? sequence.ToString(CultureInfo.InvariantCulture) : RandomHex(f.Length); break;
            case Column<byte[]> c:
                var bytes = new byte[f.Length];
                _random.NextBytes(bytes);
                c.Values[i] = bytes;
                break;
            default:
                throw new SqlValidationException($"datagen cannot generate values of type {f.Type} (field '{f.Name}')");
        }
    }

    private long UnixMillis() => Context.Time.GetUtcNow().ToUnixTimeMilliseconds();

    private long Integer(DatagenField f, long sequence)
    {
        if (f.Sequence)
            return sequence;
        // Conversions of doubles to long saturate, so the type's full range comes out as long.MinValue..long.MaxValue.
        var (low, high) = ((long)f.Min, (long)f.Max);
        return high == long.MaxValue ? _random.NextInt64(low, high) : _random.NextInt64(low, high + 1);
    }

    private double Real(DatagenField f, long sequence) =>
        f.Sequence ? sequence : f.Min + (_random.NextDouble() * (f.Max - f.Min));

    private string RandomHex(int length)
    {
        Span<char> chars = stackalloc char[Math.Min(length, 4096)];
        for (var i = 0; i < chars.Length; i++)
            chars[i] = "0123456789abcdef"[_random.Next(16)];
        return new string(chars);
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states) =>
        states[StateKey] = SourceSplits.Write(_splits, (w, s) =>
        {
            w.Write(s.Next);
            w.Write(s.Step);
            w.Write(s.Remaining);
        });

    public override void RestoreState(TaskRestore restore)
    {
        if (SourceSplits.Assign(restore, StateKey, r => new DatagenSplit(r.ReadInt64(), r.ReadInt64(), r.ReadInt64())) is { } splits)
            _splits = splits;
    }
}

/// <summary>Rows Next, Next + Step, ... (Remaining of them) of a datagen source's numbering.</summary>
public readonly record struct DatagenSplit(long Next, long Step, long Remaining)
{
    /// <summary>The subtask of the first run this numbering belonged to: the split's name for its watermark.</summary>
    public int Id => (int)(Next % Step);

    public DatagenSplit After(int rows) => new(Next + (rows * Step), Step, Remaining - rows);
}
