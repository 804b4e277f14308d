using System.Buffers;
using PyStream.Engine.Records;

namespace PyStream.Engine.UserCode;

/// <summary>
/// How a <see cref="PythonBatch"/> crosses a network channel: the Python bridge pickles the whole
/// batch in one call on the sender (holding the GIL once per batch, never per record) and unpickles
/// it in one call on the consuming task's thread; in between it is a <see cref="PickledPythonBatch"/>.
/// The engine frames the bytes; it never looks inside them.
/// </summary>
public interface IPythonBatchWire
{
    /// <summary>
    /// Appends the batch's records, pickled as one object, to <paramref name="output"/>. The batch stays the
    /// caller's, unless <paramref name="release"/>: then it is dropped in the same GIL hold, its records still
    /// in the core's cache and no second GIL acquisition (for a caller that never uses it again).
    /// </summary>
    void Pickle(PythonBatch batch, IBufferWriter<byte> output, bool release = false);

    /// <summary>The <paramref name="count"/> records that <see cref="Pickle"/> wrote; the caller owns the batch.</summary>
    PythonBatch Unpickle(ReadOnlySpan<byte> pickled, int count);

    /// <summary>
    /// Drops a batch whose pickle is on its way, with the GIL, on the sender's thread while its records are
    /// still in that core's cache. Left to the .NET finalizer, the records were freed late, in bulk, on
    /// whichever thread took the GIL next.
    /// </summary>
    void Release(PythonBatch batch);
}
