using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>Constant rows (VALUES, from_elements), emitted once by the single subtask.</summary>
public sealed class ValuesSourceOperator(string name, IReadOnlyList<object?[]> rows, IReadOnlyList<SqlType> types) : SqlSourceOperator(name)
{
    private int _next;

    public override bool EmitNext()
    {
        if (_next >= rows.Count)
            return false;
        var builder = new RowBuilder(types);
        var end = Math.Min(rows.Count, _next + NextBatchSize(BatchSize));
        for (; _next < end; _next++)
            builder.Add(RowKind.Insert, rows[_next]);
        if (builder.Take() is { } batch)
            EmitRows(batch);
        return _next < rows.Count;
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states) =>
        states[StateKey] = BitConverter.GetBytes(_next);

    public override void RestoreState(TaskRestore restore)
    {
        if (restore.OperatorState(StateKey).FirstOrDefault() is { } blob)
            _next = BitConverter.ToInt32(blob.Data);
    }
}
