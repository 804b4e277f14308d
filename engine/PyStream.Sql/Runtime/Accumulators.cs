using PyStream.Engine.Records;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// The running state of one aggregate call for one group: added to and, when the input is a
/// changelog, retracted from (Flink's accumulate/retract), written to and read from state.
/// </summary>
public abstract class Accumulator
{
    public abstract void Add(object? value);

    public abstract void Retract(object? value);

    /// <summary>Adds row <paramref name="row"/> of <paramref name="column"/>; an accumulator that can read the typed value overrides this to box nothing.</summary>
    public virtual void Add(Column column, int row) => Add(column.GetBoxed(row));

    /// <summary>Retracts row <paramref name="row"/> of <paramref name="column"/> (see <see cref="Add(Column, int)"/>).</summary>
    public virtual void Retract(Column column, int row) => Retract(column.GetBoxed(row));

    public abstract object? Result { get; }

    /// <summary>Whether <see cref="Result"/> is the value in <paramref name="slot"/> of <paramref name="column"/> (a result emitted before); an accumulator that can compare unboxed overrides this.</summary>
    public virtual bool ResultEquals(SlotColumn column, int slot) => column.Holds(slot, Result);

    /// <summary>Writes <see cref="Result"/> into row <paramref name="row"/> of a result column (of the call's type).</summary>
    public virtual void WriteResult(Column column, int row) => RowBuilder.SetBoxed(column, row, Result);

    /// <summary>Writes <see cref="Result"/> into <paramref name="slot"/> of a result column (of the call's type); an accumulator that can write it unboxed overrides this.</summary>
    public virtual void WriteResult(SlotColumn column, int slot) => column.SetBoxed(slot, Result);

    public abstract void Write(BinaryWriter writer);

    public abstract void Read(BinaryReader reader);

    /// <summary>True when <see cref="Merge"/> adds another accumulator of the same call exactly (results do not depend on arrival order).</summary>
    public virtual bool CanMerge => false;

    /// <summary>Adds the state of <paramref name="other"/> (the same call's accumulator for other rows) to this one.</summary>
    public virtual void Merge(Accumulator other) => throw new NotSupportedException($"{GetType().Name} cannot merge");
}

internal sealed class CountAccumulator(bool star) : Accumulator
{
    private long _count;

    public override void Add(object? value)
    {
        if (star || value is not null)
            _count++;
    }

    public override void Retract(object? value)
    {
        if (star || value is not null)
            _count--;
    }

    /// <summary>Counts a row (+1) or takes one away (-1) without a value to look at.</summary>
    public void Count(int sign) => _count += sign;

    public override object? Result => _count;

    public override void WriteResult(Column column, int row)
    {
        if (column is Column<long> counts)
            counts.Values[row] = _count;
        else
            base.WriteResult(column, row);
    }

    public override void WriteResult(SlotColumn column, int slot)
    {
        if (column is SlotColumn<long> counts)
            counts.Set(slot, _count);
        else
            base.WriteResult(column, slot);
    }

    public override bool ResultEquals(SlotColumn column, int slot) =>
        column is SlotColumn<long> counts ? !counts.IsNull(slot) && counts.Value(slot) == _count : base.ResultEquals(column, slot);

    public override void Write(BinaryWriter writer) => writer.Write(_count);

    public override bool CanMerge => true;

    public override void Merge(Accumulator other) => _count += ((CountAccumulator)other)._count;

    public override void Read(BinaryReader reader) => _count = reader.ReadInt64();
}

/// <summary>SUM, SUM0 and AVG: the sum (as long, double or decimal) and the count of non-null values.</summary>
internal sealed class SumAccumulator(SqlType result, SqlType arg, string function) : Accumulator
{
    private long _long;
    private double _double;
    private decimal _decimal;
    private long _count;

    public override void Add(object? value) => Change(value, 1);

    public override void Retract(object? value) => Change(value, -1);

    public override void Add(Column column, int row) => Change(column, row, 1);

    public override void Retract(Column column, int row) => Change(column, row, -1);

    /// <summary>A BIGINT or INT row added or taken away unboxed; other types through their boxed value.</summary>
    private void Change(Column column, int row, int sign)
    {
        if (column.IsNull(row))
            return;
        switch (column)
        {
            case Column<long> longs:
                _count += sign;
                _long = unchecked(_long + (sign * longs.Values[row]));
                break;
            case Column<int> ints:
                _count += sign;
                _long += sign * ints.Values[row];
                break;
            default:
                Change(column.GetBoxed(row), sign);
                break;
        }
    }

    private void Change(object? value, int sign)
    {
        if (value is null)
            return;
        _count += sign;
        switch (value)
        {
            case sbyte v: _long += sign * v; break;
            case short v: _long += sign * v; break;
            case int v: _long += sign * v; break;
            case long v: _long = unchecked(_long + (sign * v)); break;
            case float v: _double += sign * v; break;
            case double v: _double += sign * v; break;
            case decimal v: _decimal += sign * v; break;
        }
    }

    public override object? Result
    {
        get
        {
            if (_count == 0)
                return function == "SUM0" ? Convert(0) : null;
            return function == "AVG" ? Average() : Convert(1);
        }
    }

    /// <summary>Whether the result is a BIGINT of integers (SUM, SUM0 or AVG), which is compared and written unboxed (GROUP BY asks after every row whether its result changed).</summary>
    private bool IntegerResult => result.Kind == SqlTypeKind.BigInt && arg.Kind is SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt;

    /// <summary>An integer result's value (Java integer division for AVG, as Flink's IntAvgAggFunction); false when it is NULL.</summary>
    private bool IntegerValue(out long value)
    {
        value = _count == 0 ? 0 : function == "AVG" ? _long / _count : _long;
        return _count > 0 || function == "SUM0";
    }

    public override bool ResultEquals(SlotColumn column, int slot)
    {
        if (column is not SlotColumn<long> longs || !IntegerResult)
            return base.ResultEquals(column, slot);
        return IntegerValue(out var value) ? !longs.IsNull(slot) && longs.Value(slot) == value : longs.IsNull(slot);
    }

    public override void WriteResult(SlotColumn column, int slot)
    {
        if (column is not SlotColumn<long> longs || !IntegerResult)
            base.WriteResult(column, slot);
        else if (IntegerValue(out var value))
            longs.Set(slot, value);
        else
            longs.SetNull(slot);
    }

    private object? Average() => arg.Kind switch
    {
        SqlTypeKind.Decimal => Math.Round(_decimal / _count, result.Scale, MidpointRounding.AwayFromZero),
        SqlTypeKind.Float => (float)(_double / _count),
        SqlTypeKind.Double => _double / _count,
        _ => Narrow(_long / _count), // Java integer division, as Flink's IntAvgAggFunction
    };

    private object Convert(int any) => arg.Kind switch
    {
        SqlTypeKind.Decimal => any == 0 ? 0m : _decimal,
        SqlTypeKind.Float => any == 0 ? 0f : (float)_double,
        SqlTypeKind.Double => any == 0 ? 0d : _double,
        _ => Narrow(any == 0 ? 0 : _long),
    };

    private object Narrow(long value) => result.Kind switch
    {
        SqlTypeKind.TinyInt => unchecked((sbyte)value),
        SqlTypeKind.SmallInt => unchecked((short)value),
        SqlTypeKind.Int => unchecked((int)value),
        _ => value,
    };

    public override void Write(BinaryWriter writer)
    {
        writer.Write(_long);
        writer.Write(_double);
        writer.Write(_decimal);
        writer.Write(_count);
    }

    public override void Read(BinaryReader reader)
    {
        _long = reader.ReadInt64();
        _double = reader.ReadDouble();
        _decimal = reader.ReadDecimal();
        _count = reader.ReadInt64();
    }

    /// <summary>Not for floating-point sums: adding partial sums would round differently from adding the rows one by one.</summary>
    public override bool CanMerge => arg.Kind is not (SqlTypeKind.Float or SqlTypeKind.Double);

    public override void Merge(Accumulator other)
    {
        var o = (SumAccumulator)other;
        _long = unchecked(_long + o._long);
        _double += o._double;
        _decimal += o._decimal;
        _count += o._count;
    }
}

/// <summary>
/// MIN and MAX over a changelog: every value with its count, so a retraction of the extreme finds
/// the next one (Flink's MinWithRetract). The values are sorted with the extreme first, so the
/// result is the first key, found in O(log n) and kept until a retraction removes it.
/// </summary>
internal sealed class ExtremeAccumulator(SqlType type, bool max) : Accumulator
{
    private static readonly IComparer<object> Descending = Comparer<object>.Create((x, y) => SqlValueComparer.Instance.Compare(y, x));

    private readonly SortedDictionary<object, long> _values = new(max ? Descending : SqlValueComparer.Instance);
    private object? _extreme;

    public override void Add(object? value)
    {
        if (value is null)
            return;
        _values[value] = _values.GetValueOrDefault(value) + 1;
        if (_extreme is null || _values.Comparer.Compare(value, _extreme) < 0)
            _extreme = value;
    }

    public override void Retract(object? value)
    {
        if (value is null || !_values.TryGetValue(value, out var count))
            return;
        if (count > 1)
        {
            _values[value] = count - 1;
            return;
        }

        _values.Remove(value);
        if (_values.Comparer.Compare(value, _extreme) == 0)
            _extreme = _values.Count == 0 ? null : _values.Keys.First();
    }

    public override object? Result => _extreme;

    public override void Write(BinaryWriter writer)
    {
        writer.Write(_values.Count);
        foreach (var (value, count) in _values)
        {
            ValueCodec.Write(writer, value, type);
            writer.Write(count);
        }
    }

    public override void Read(BinaryReader reader)
    {
        _values.Clear();
        for (var i = reader.ReadInt32(); i > 0; i--)
            _values[ValueCodec.Read(reader, type)!] = reader.ReadInt64();
        _extreme = _values.Count == 0 ? null : _values.Keys.First();
    }

    public override bool CanMerge => true;

    public override void Merge(Accumulator other)
    {
        foreach (var (value, count) in ((ExtremeAccumulator)other)._values)
            _values[value] = _values.GetValueOrDefault(value) + count;
        _extreme = _values.Count == 0 ? null : _values.Keys.First();
    }
}

/// <summary>
/// MIN and MAX over an insert-only input (Flink's MinAggFunction/MaxAggFunction): only the extreme
/// so far, as no row is ever taken back.
/// </summary>
internal sealed class RunningExtremeAccumulator(SqlType type, bool max) : Accumulator
{
    /// <summary>The extreme of a BIGINT call, kept unboxed (valid when <see cref="_hasLong"/>); other types' in <see cref="_extreme"/>.</summary>
    private long _long;
    private bool _hasLong;
    private object? _extreme;

    public override void Add(object? value)
    {
        if (value is null)
            return;
        if (value is long l && type.ClrType == typeof(long))
        {
            AddLong(l);
            return;
        }

        if (_extreme is null || (max ? SqlValueComparer.Instance.Compare(value, _extreme) > 0 : SqlValueComparer.Instance.Compare(value, _extreme) < 0))
            _extreme = value;
    }

    /// <summary>A BIGINT row is compared and kept unboxed.</summary>
    public override void Add(Column column, int row)
    {
        if (column is not Column<long> longs || type.ClrType != typeof(long))
        {
            base.Add(column, row);
            return;
        }

        if (!column.IsNull(row))
            AddLong(longs.Values[row]);
    }

    private void AddLong(long value)
    {
        if (!_hasLong || (max ? value > _long : value < _long))
            (_long, _hasLong) = (value, true);
    }

    public override void Retract(object? value) =>
        throw new SqlRuntimeException($"{(max ? "MAX" : "MIN")} was planned for an insert-only input but got a retraction");

    public override object? Result => _hasLong ? _long : _extreme;

    public override bool ResultEquals(SlotColumn column, int slot) =>
        column is SlotColumn<long> longs && type.ClrType == typeof(long)
            ? (_hasLong ? !longs.IsNull(slot) && longs.Value(slot) == _long : longs.IsNull(slot))
            : base.ResultEquals(column, slot);

    public override void WriteResult(SlotColumn column, int slot)
    {
        if (column is not SlotColumn<long> longs || type.ClrType != typeof(long))
            base.WriteResult(column, slot);
        else if (_hasLong)
            longs.Set(slot, _long);
        else
            longs.SetNull(slot);
    }

    public override void Write(BinaryWriter writer)
    {
        var result = Result;
        writer.Write(result is not null);
        if (result is not null)
            ValueCodec.Write(writer, result, type);
    }

    public override void Read(BinaryReader reader)
    {
        (_long, _hasLong, _extreme) = (0, false, null);
        if (reader.ReadBoolean())
            Add(ValueCodec.Read(reader, type));
    }

    public override bool CanMerge => true;

    public override void Merge(Accumulator other) => Add(((RunningExtremeAccumulator)other).Result);
}

/// <summary>FIRST_VALUE and LAST_VALUE: the values in arrival order, so retractions remove theirs.</summary>
internal sealed class PickAccumulator(SqlType type, bool last) : Accumulator
{
    private readonly List<object> _values = [];

    public override void Add(object? value)
    {
        if (value is not null)
            _values.Add(value);
    }

    public override void Retract(object? value)
    {
        if (value is not null)
            _values.Remove(value);
    }

    public override object? Result => _values.Count == 0 ? null : last ? _values[^1] : _values[0];

    public override void Write(BinaryWriter writer)
    {
        writer.Write(_values.Count);
        foreach (var value in _values)
            ValueCodec.Write(writer, value, type);
    }

    public override void Read(BinaryReader reader)
    {
        _values.Clear();
        for (var i = reader.ReadInt32(); i > 0; i--)
            _values.Add(ValueCodec.Read(reader, type)!);
    }
}

/// <summary>LISTAGG(x [, separator]): the values in arrival order joined by the separator (',' by default).</summary>
internal sealed class ListAggAccumulator : Accumulator
{
    private readonly List<string> _values = [];
    private string _separator = ",";

    public override void Add(object? value)
    {
        if (value is (string s, var separator))
        {
            _values.Add(s);
            _separator = separator as string ?? _separator;
        }
    }

    public override void Retract(object? value)
    {
        if (value is (string s, _))
            _values.Remove(s);
    }

    public override object? Result => _values.Count == 0 ? null : string.Join(_separator, _values);

    public override void Write(BinaryWriter writer)
    {
        writer.Write(_separator);
        writer.Write(_values.Count);
        foreach (var v in _values)
            writer.Write(v);
    }

    public override void Read(BinaryReader reader)
    {
        _separator = reader.ReadString();
        _values.Clear();
        for (var i = reader.ReadInt32(); i > 0; i--)
            _values.Add(reader.ReadString());
    }
}

/// <summary>f(DISTINCT x): a value reaches the inner accumulator when it first appears, and leaves it with its last occurrence.</summary>
internal sealed class DistinctAccumulator(Accumulator inner, SqlType type) : Accumulator
{
    private readonly Dictionary<object, long> _seen = [];

    public override void Add(object? value)
    {
        if (value is null)
            return;
        var count = _seen.GetValueOrDefault(value);
        _seen[value] = count + 1;
        if (count == 0)
            inner.Add(value);
    }

    public override void Retract(object? value)
    {
        if (value is null || !_seen.TryGetValue(value, out var count))
            return;
        if (count > 1)
        {
            _seen[value] = count - 1;
            return;
        }

        _seen.Remove(value);
        inner.Retract(value);
    }

    public override object? Result => inner.Result;

    public override void Write(BinaryWriter writer)
    {
        writer.Write(_seen.Count);
        foreach (var (value, count) in _seen)
        {
            ValueCodec.Write(writer, value, type);
            writer.Write(count);
        }

        inner.Write(writer);
    }

    public override void Read(BinaryReader reader)
    {
        _seen.Clear();
        for (var i = reader.ReadInt32(); i > 0; i--)
            _seen[ValueCodec.Read(reader, type)!] = reader.ReadInt64();
        inner.Read(reader);
    }
}
