using PyStream.Engine.Records;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A checksum of rows that does not depend on their order (a sum of row hashes), for comparing a
/// query's output with a reference computed elsewhere (the Nexmark benchmark's hand loops). A row's
/// hash mixes its values in column order: integers and timestamps as themselves, DECIMAL by its
/// unscaled value at the column's scale, strings by length only (so hashing costs less than the query).
/// The sum of a changelog's hashes is that of the final table: rows taken away count negative.
/// </summary>
public static class RowChecksum
{
    public const long NullValue = long.MinValue;

    public static long Mix(long value)
    {
        var z = (ulong)value * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 32)) * 0xD6E8FEB86659FD93UL;
        return (long)(z ^ (z >> 32));
    }

    /// <summary>The hash of a row whose first values hashed to <paramref name="hash"/>, with <paramref name="value"/> next.</summary>
    public static long Next(long hash, long value) => Mix(hash + value);

    /// <summary>A DECIMAL value as it enters a row's hash: its unscaled value at <paramref name="scale"/>, then the scale.</summary>
    public static long OfDecimal(decimal value, int scale)
    {
        var unscaled = value;
        for (var i = 0; i < scale; i++)
            unscaled *= 10;
        return Mix((long)decimal.Truncate(unscaled)) + scale;
    }

    /// <summary>
    /// The sum of the hashes of the batch's rows, those that take a row away (<c>-U</c>, <c>-D</c>)
    /// subtracted: the checksum of a changelog is the checksum of the table it ends in.
    /// </summary>
    public static long Of(RowBatch rows, IReadOnlyList<SqlType> types)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(types);
        var hashes = new long[rows.Count];
        for (var c = 0; c < rows.Columns.Length; c++)
        {
            var column = rows.Columns[c];
            var scale = types[c].Scale;
            for (var r = 0; r < hashes.Length; r++)
            {
                var value = column.IsNull(r) ? NullValue : column switch
                {
                    Column<long> l => l.Values[r],
                    Column<int> i => i.Values[r],
                    Column<short> s => s.Values[r],
                    Column<sbyte> b => b.Values[r],
                    Column<bool> b => b.Values[r] ? 1 : 0,
                    Column<string> s => s.Values[r].Length,
                    Column<decimal> d => OfDecimal(d.Values[r], scale),
                    Column<double> d => BitConverter.DoubleToInt64Bits(d.Values[r]),
                    Column<float> f => BitConverter.SingleToInt32Bits(f.Values[r]),
                    _ => 0,
                };
                hashes[r] = c == 0 ? Mix(value) : Next(hashes[r], value);
            }
        }

        var sum = 0L;
        for (var r = 0; r < hashes.Length; r++)
            sum += rows.KindAt(r).IsAccumulate() ? hashes[r] : -hashes[r];
        return sum;
    }
}
