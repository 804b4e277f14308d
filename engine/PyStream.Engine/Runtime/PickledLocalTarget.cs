using System.Buffers;
using PyStream.Engine.Records;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime;

/// <summary>
/// A task's input gate in this process, fed with Python records pickled, as a network channel feeds one
/// (and as Flink serializes every record that leaves its task, local channel or not). Handed over as
/// objects, the half of a keyed split that stays lived on in the consumer's queue while the half that
/// left was freed at once, which left CPython's memory pools half used: later records were scattered
/// over them, and every pass over a batch missed the cache on each record, which cost 2-3x the Python
/// work (BENCHMARKS.md, "Spine at parallelism 2"). Pickled, the producer frees every record of a batch
/// together, right after the split, and the consumer unpickles its records into contiguous memory just
/// before it runs them. A batch that will not pickle crosses as objects, as before.
/// </summary>
internal sealed class PickledLocalTarget(InputGate gate, IPythonBatchWire python) : IChannelTarget
{
    /// <summary>Bytes reserved per record before pickling (a small tuple of ints takes about 20).</summary>
    private const int BytesPerRecordGuess = 24;

    public int BatchLimit => gate.BatchLimit;

    /// <summary>The buffer timeout's thread: objects, as before, so that a batch it cannot send stays the caller's.</summary>
    public bool TryWrite(InputEvent inputEvent) => gate.TryWrite(inputEvent);

    /// <summary>The task's own write: its batch is never used again, so its records are dropped in the pickle's GIL hold.</summary>
    public double Write(InputEvent inputEvent, CancellationToken cancellation) =>
        gate.Write(inputEvent.Batch is PythonBatch py ? inputEvent with { Batch = Pickled(py) } : inputEvent, cancellation);

    private Batch Pickled(PythonBatch batch)
    {
        var bytes = new ArrayBufferWriter<byte>(64 + (batch.Count * BytesPerRecordGuess));
        try
        {
            python.Pickle(batch, bytes, release: true);
        }
        catch (PyStreamException)
        {
            return batch; // records that do not pickle (a lock, a generator): handed over as objects
        }

        return new PickledPythonBatch(bytes.WrittenMemory, batch.Count, python)
        {
            Keys = batch.Keys,
            Timestamps = batch.Timestamps,
            SessionGaps = batch.SessionGaps,
            Partitions = batch.Partitions,
            Split = batch.Split,
        };
    }
}
