using PyStream.Engine.Records;

namespace PyStream.Engine.UserCode;

/// <summary>
/// Python records still pickled: as they arrived over a network channel, or as a split (by key, or in turn) pickled
/// them for the tasks they go to (<see cref="IPythonBatchOps.SplitPickled"/>). The channel's thread never takes
/// the GIL; the consuming task unpickles the batch on its own thread, just before its operator runs, so
/// unpickling does not compete with the task's Python for the interpreter and the records are fresh in
/// memory when they run.
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

    protected override Batch WithOtherColumns(KeyBlob? keys, long[]? timestamps, long[]? gaps, int[]? partitions) =>
        new PickledPythonBatch(pickle, Count, python) { Keys = keys, Timestamps = timestamps, SessionGaps = gaps, Partitions = partitions };
}
