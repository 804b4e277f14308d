using PyStream.Engine.Records;

namespace PyStream.Engine.UserCode;

/// <summary>
/// What the engine may do with a <see cref="PythonBatch"/> without looking inside. Split,
/// RoundRobin and Take take ownership of the batch they are given; the caller owns what they return.
/// </summary>
public interface IPythonBatchOps
{
    /// <summary>Record i goes to batch <c>targets[i]</c>; targets that get nothing get null.</summary>
    PythonBatch?[] Split(PythonBatch batch, ReadOnlySpan<int> targets, int targetCount);

    /// <summary>
    /// As <see cref="Split"/>, each part pickled in the same call (a <see cref="PickledPythonBatch"/>), while the
    /// records are still in the core's cache; when the records do not pickle, the parts are
    /// <see cref="PythonBatch"/>es as <see cref="Split"/> gives them.
    /// </summary>
    Batch?[] SplitPickled(PythonBatch batch, ReadOnlySpan<int> targets, int targetCount);

    /// <summary>Record i goes to batch <c>(first + i) mod targetCount</c>.</summary>
    PythonBatch?[] RoundRobin(PythonBatch batch, int first, int targetCount);

    /// <summary>A second reference to the same records, owned separately (broadcast).</summary>
    PythonBatch Share(PythonBatch batch);

    /// <summary>The first <paramref name="count"/> records and the rest (fewer than the batch holds); takes ownership of the batch.</summary>
    (PythonBatch Head, PythonBatch Tail) Take(PythonBatch batch, int count);
}
