using PyStream.Engine.Records;

namespace PyStream.Engine.UserCode;

/// <summary>
/// Python records as they arrived over a network channel: still pickled. The channel's thread
/// never takes the GIL; the consuming task unpickles the batch on its own thread, just before its
/// operator runs, so unpickling does not compete with the task's Python for the interpreter.
/// </summary>
public sealed class PickledPythonBatch(byte[] pickle, int count, IPythonBatchWire python) : Batch(count)
{
    public ReadOnlyMemory<byte> Pickle { get; } = pickle;

    /// <summary>The records as a <see cref="PythonBatch"/> with this batch's columns and split; the caller owns it.</summary>
    public PythonBatch Unpickle()
    {
        var records = python.Unpickle(Pickle.Span, Count);
        var batch = (PythonBatch)records.WithColumns(Keys, Timestamps, SessionGaps, Partitions);
        batch.Split = Split;
        return batch;
    }
}
