using PyStream.Engine;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Operators;
using PyStream.Sql.Connectors.Nexmark;

namespace PyStream.Sql.Runtime;

/// <summary>
/// The nexmark connector's source: subtask i of p generates events i, i + p, i + 2p, … (see
/// <see cref="NexmarkGenerator"/>) as the columns of its projection, reshaped into the table's
/// ROW columns when the query reads them whole. The events generated so far are its whole state,
/// so a checkpoint holds one number per subtask; it restores at the parallelism it ran at.
/// </summary>
public sealed class NexmarkSourceOperator : SqlSourceOperator
{
    private readonly NexmarkGenerator _generator;
    private readonly NexmarkProjection _projection;
    private readonly NexmarkTableShape? _shape;

    public NexmarkSourceOperator(string name, NexmarkConfig config, NexmarkProjection projection, NexmarkTableShape? shape, int subtask, int parallelism)
        : base(name)
    {
        _generator = new NexmarkGenerator(config, subtask, parallelism);
        _projection = projection;
        _shape = shape;
    }

    /// <summary>Events this subtask generated so far.</summary>
    public long Position => _generator.Position;

    public override bool EmitNext()
    {
        if (_generator.NextBatch(_projection, NextBatchSize(BatchSize)) is not { } batch)
            return false;
        if (batch.Count > 0)
            EmitRows(_shape is null ? batch : _shape.Shape(batch));
        return _generator.HasNext;
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states) =>
        states[StateKey] = StateBlobs.Serialize(writer =>
        {
            writer.Write(_generator.Subtask);
            writer.Write(_generator.Parallelism);
            writer.Write(_generator.Position);
        });

    public override void RestoreState(TaskRestore restore)
    {
        var saved = restore.OperatorState(StateKey)
            .Select(b => StateBlobs.Deserialize(b.Data, r => (Subtask: r.ReadInt32(), Parallelism: r.ReadInt32(), Position: r.ReadInt64())))
            .ToList();
        if (saved.Count == 0)
            return;
        if (saved.Any(s => s.Parallelism != _generator.Parallelism))
            throw new PyStreamException($"'{Name}': a nexmark source restores at the parallelism it ran at ({saved[0].Parallelism}), not {_generator.Parallelism}");
        var mine = saved.FirstOrDefault(s => s.Subtask == _generator.Subtask);
        _generator.Restore(mine.Parallelism == 0 ? 0 : mine.Position);
    }
}
