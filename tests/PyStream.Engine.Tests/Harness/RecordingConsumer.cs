using System.Globalization;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;

namespace PyStream.Engine.Tests.Harness;

/// <summary>Records what an operator emits on one port, in arrival order.</summary>
internal sealed class RecordingConsumer : IBatchConsumer
{
    public List<Batch> Batches { get; } = [];

    public List<long> Watermarks { get; } = [];

    public int EndOfInputCount { get; private set; }

    /// <summary>Every call, in order: <c>batch(count)</c>, <c>watermark(ts)</c>, <c>idle</c>, <c>active</c> or <c>end</c>.</summary>
    public List<string> Events { get; } = [];

    public void Accept(Batch batch)
    {
        Batches.Add(batch);
        Events.Add(string.Create(CultureInfo.InvariantCulture, $"batch({batch.Count})"));
    }

    public void AcceptWatermark(long watermark)
    {
        Watermarks.Add(watermark);
        Events.Add(string.Create(CultureInfo.InvariantCulture, $"watermark({watermark})"));
    }

    public void AcceptWatermarkStatus(bool idle) => Events.Add(idle ? "idle" : "active");

    public void EndOfInput()
    {
        EndOfInputCount++;
        Events.Add("end");
    }
}
