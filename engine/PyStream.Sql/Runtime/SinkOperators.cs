using PyStream.Engine.Records;
using PyStream.Sql.Rendering;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>Rows as the print connector writes them (Java's Row.toString: <c>+I[acc-1, 210, 3]</c>), for the engine's print sink.</summary>
public sealed class PrintFormatOperator(string name, IReadOnlyList<SqlType> types, int inputCount = 1) : SqlOperator(name, inputCount)
{
    protected override void ProcessRows(int input, RowBatch rows)
    {
        var lines = new string[rows.Count];
        var values = new object?[rows.Columns.Length];
        for (var i = 0; i < rows.Count; i++)
        {
            for (var c = 0; c < values.Length; c++)
                values[c] = rows.Columns[c].GetBoxed(i);
            lines[i] = JavaText.RowToString(rows.KindAt(i), values, types);
        }

        Emit(0, new TextBatch(lines));
    }
}

/// <summary>A query's result rows encoded for the client (RowWire), for the engine's collect sink.</summary>
public sealed class CollectEncodeOperator(string name, IReadOnlyList<SqlType> types, SqlContext context, int inputCount = 1) : SqlOperator(name, inputCount)
{
    protected override void ProcessRows(int input, RowBatch rows) =>
        Emit(0, new BytesBatch(RowWire.Encode(rows, types, context), rows.Count));
}

/// <summary>The blackhole connector: takes every row and keeps nothing (but a count, and on request a <see cref="RowChecksum"/>).</summary>
public sealed class BlackholeSinkOperator(string name, int inputCount, IReadOnlyList<SqlType> types) : SqlOperator(name, inputCount)
{
    public long Rows { get; private set; }

    /// <summary>Whether to sum the rows' hashes into <see cref="Checksum"/> (benchmarks and tests set it; the connector does not).</summary>
    public bool HashRows { get; set; }

    public long Checksum { get; private set; }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        Rows += rows.Count;
        if (HashRows)
            Checksum += RowChecksum.Of(rows, types);
    }
}
