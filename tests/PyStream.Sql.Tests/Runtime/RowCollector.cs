using PyStream.Engine;
using PyStream.Engine.Graph;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.State;
using PyStream.Engine.Time;
using PyStream.Sql.Runtime;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>Collects an operator's rows as "column column ..." strings, and opens operators onto it over a given state store.</summary>
internal sealed class RowCollector : IBatchConsumer
{
    public List<string> Rows { get; } = [];

    /// <summary>Opens <paramref name="op"/> as subtask 0 of 1, its output collected here and its keyed state in <paramref name="store"/>.</summary>
    public T Open<T>(T op, IKeyedStateStore store)
        where T : SqlOperator
    {
        op.Outputs[0].Add(this);
        var info = new TaskInfo(op.Name, 0, 1, JobGraphBuilder.DefaultMaxParallelism, 0);
        op.Open(new TaskContext(info, new JobEnvironment(), null, new ProcessingTimeService(TimeProvider.System, _ => { }), () => { }, store));
        return op;
    }

    public void Accept(Batch batch)
    {
        var rows = (RowBatch)batch;
        for (var r = 0; r < rows.Count; r++)
            Rows.Add(string.Join(" ", rows.Columns.Select(c => c.GetBoxed(r) ?? "null")));
    }

    public void AcceptWatermark(long watermark)
    {
    }

    public void AcceptWatermarkStatus(bool idle)
    {
    }

    public void EndOfInput()
    {
    }
}
