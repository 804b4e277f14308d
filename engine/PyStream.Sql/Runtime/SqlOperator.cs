using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;

namespace PyStream.Sql.Runtime;

/// <summary>A SQL operator with one output: rows, with their group keys attached when a hash edge routes them.</summary>
public abstract class SqlOperator(string name, int inputCount) : StreamOperator(name, inputCount, portCount: 1)
{
    /// <summary>Set when the rows go over a hash edge: the consumer's key columns.</summary>
    public RowKeys? OutputKeys { get; set; }

    protected void EmitRows(RowBatch? rows)
    {
        if (rows is null || rows.Count == 0)
            return;
        Emit(0, OutputKeys is null ? rows : rows.WithColumns(OutputKeys.Blob(rows), null, null));
    }

    public override void ProcessBatch(int input, Batch batch) =>
        ProcessRows(input, batch as RowBatch ?? throw new SqlRuntimeException($"'{Name}' expects rows, got a {batch.GetType().Name}"));

    protected abstract void ProcessRows(int input, RowBatch rows);
}
