using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A SQL source (VALUES, datagen, nexmark): its rows carry their group keys when a hash edge
/// routes them straight to an aggregate, as a <see cref="SqlOperator"/>'s do.
/// </summary>
public abstract class SqlSourceOperator(string name) : SourceOperator(name)
{
    /// <summary>Set when the rows go over a hash edge: the consumer's key columns.</summary>
    public RowKeys? OutputKeys { get; set; }

    protected void EmitRows(RowBatch rows)
    {
        if (OutputKeys is null)
        {
            Emit(0, rows);
            return;
        }

        var keyed = rows.WithColumns(OutputKeys.Blob(rows), rows.Timestamps, null);
        keyed.Split = rows.Split;
        Emit(0, keyed);
    }
}
