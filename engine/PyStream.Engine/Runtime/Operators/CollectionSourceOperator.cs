using PyStream.Engine.Checkpointing;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>Emits a collection whose values Python holds; the engine keeps the position.</summary>
public sealed class CollectionSourceOperator(string name, int transformationId, int count) : SourceOperator(name)
{
    private const int SliceSize = 1024;
    private int _position;

    public override bool EmitNext()
    {
        if (_position >= count)
            return false;
        var end = Math.Min(count, _position + NextBatchSize(SliceSize));
        var job = Context.Python ?? throw new PyStreamException("a collection source needs the Python runtime");
        Emit(0, job.CollectionSlice(transformationId, _position, end));
        _position = end;
        return _position < count;
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states) =>
        states[StateKey] = BitConverter.GetBytes(_position);

    public override void RestoreState(TaskRestore restore)
    {
        if (restore.OperatorState(StateKey) is [var only, ..])
            _position = BitConverter.ToInt32(only.Data);
    }
}
