using PyStream.Engine.Records;

namespace PyStream.Sql.Runtime;

/// <summary>
/// UNION ALL: the rows of every input as they come. An operator of its own (not the engine's
/// virtual union), so the operator after it has one input and a hash edge after it gets its keys.
/// </summary>
public sealed class UnionOperator(string name, int inputCount) : SqlOperator(name, inputCount)
{
    protected override void ProcessRows(int input, RowBatch rows) => EmitRows(rows);
}
