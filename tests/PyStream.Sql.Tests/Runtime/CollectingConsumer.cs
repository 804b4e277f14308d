using PyStream.Engine.Records;
using PyStream.Engine.Runtime;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>An operator's output rows, each as kind[values].</summary>
internal sealed class CollectingConsumer : IBatchConsumer
{
    public List<string> Rows { get; } = [];

    public void Accept(Batch batch)
    {
        var rows = (RowBatch)batch;
        for (var r = 0; r < rows.Count; r++)
            Rows.Add($"{rows.KindAt(r)}[{string.Join(", ", rows.Columns.Select(c => c.GetBoxed(r) ?? "null"))}]");
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
