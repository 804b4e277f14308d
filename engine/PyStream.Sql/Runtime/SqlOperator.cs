using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;

namespace PyStream.Sql.Runtime;

/// <summary>A SQL operator with one output: rows, with their group keys attached when a hash edge routes them.</summary>
public abstract class SqlOperator(string name, int inputCount) : StreamOperator(name, inputCount, portCount: 1)
{
    /// <summary>Set when the rows go over a hash edge: the consumer's key columns.</summary>
    public RowKeys? OutputKeys { get; set; }

    /// <summary>The source split (Kafka partition) of the batch being processed: rows made from it keep it, for per-split watermarks.</summary>
    protected int CurrentSplit { get; set; } = -1;

    protected void EmitRows(RowBatch? rows)
    {
        if (rows is null || rows.Count == 0)
            return;
        var emitted = OutputKeys is null ? rows : (RowBatch)rows.WithColumns(OutputKeys.Blob(rows), null, null);
        emitted.Split = CurrentSplit;
        Emit(0, emitted);
    }

    public override void ProcessBatch(int input, Batch batch)
    {
        CurrentSplit = batch.Split;
        try
        {
            ProcessRows(input, batch as RowBatch ?? throw new SqlRuntimeException($"'{Name}' expects rows, got a {batch.GetType().Name}"));
        }
        finally
        {
            CurrentSplit = -1;
        }
    }

    protected abstract void ProcessRows(int input, RowBatch rows);
}
