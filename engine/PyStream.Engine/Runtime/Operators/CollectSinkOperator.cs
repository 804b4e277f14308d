using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// Hands pickled batches to the client that runs <c>execute_and_collect</c>; stops the job at
/// its limit. With checkpointing, as in Flink, results become visible only once a checkpoint
/// covering them completes (or the job finishes), so a restart never shows a result twice.
/// </summary>
public sealed class CollectSinkOperator(string name, int inputCount, string collectId, long limit)
    : StreamOperator(name, inputCount, portCount: 0)
{
    private readonly List<BytesBatch> _unpublished = [];
    private readonly Committables<BytesBatch> _pending = new();
    private long _received;

    public override void ProcessBatch(int input, Batch batch)
    {
        if (batch is not BytesBatch pickled)
            throw new PyStreamException($"collect sink '{Name}' expects pickled records, got {batch.GetType().Name}");
        if (limit > 0 && _received >= limit)
            return;
        if (Context.CheckpointingEnabled)
            _unpublished.Add(pickled);
        else
            Context.Environment.Results.Add(collectId, pickled);
        _received += pickled.Count;
        if (limit > 0 && _received >= limit)
        {
            Publish(_pending.Items.Concat(_unpublished).ToList());
            _pending.Clear();
            _unpublished.Clear();
            Context.RequestJobFinish();
        }
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        _pending.Add(barrier.Id, _unpublished);
        _unpublished.Clear();
        states[StateKey] = StateBlobs.Serialize(writer =>
        {
            writer.Write(_received);
            writer.Write(_pending.Count);
            foreach (var (checkpoint, batch) in _pending.All)
            {
                writer.Write(checkpoint);
                writer.Write(batch.Count);
                writer.Write(batch.Data.Length);
                writer.Write(batch.Data);
            }
        });
    }

    public override void NotifyCheckpointComplete(long checkpointId)
    {
        Publish(_pending.TakeUpTo(checkpointId));
        Context.Environment.Results.MarkPublished(collectId, Context.Info.SubtaskIndex, checkpointId);
    }

    /// <summary>
    /// Results of the restored checkpoint that were never handed out (the run failed between
    /// completing the checkpoint and committing) are handed out now, by their old subtask's successor.
    /// </summary>
    public override void RestoreState(TaskRestore restore)
    {
        var results = Context.Environment.Results;
        foreach (var blob in restore.OperatorState(StateKey).Where(b => b.Subtask % restore.Parallelism == restore.Subtask))
        {
            using var reader = StateBlobs.Reader(blob.Data);
            _received += reader.ReadInt64();
            var publishedUpTo = results.PublishedUpTo(collectId, blob.Subtask);
            for (var i = reader.ReadInt32(); i > 0; i--)
            {
                var checkpoint = reader.ReadInt64();
                var count = reader.ReadInt32();
                var data = reader.ReadBytes(reader.ReadInt32());
                if (checkpoint > publishedUpTo)
                {
                    results.Add(collectId, new BytesBatch(data, count));
                    results.MarkPublished(collectId, blob.Subtask, checkpoint);
                }
            }
        }
    }

    /// <summary>
    /// What is left stays pending in the task's final state and is handed out once a checkpoint
    /// that includes that state completes, or the whole job has finished.
    /// </summary>
    protected override void Finish()
    {
        _pending.Add(long.MaxValue, _unpublished);
        _unpublished.Clear();
        var rest = _pending.Items.ToList();
        if (rest.Count > 0)
        {
            Context.OnJobFinished(() =>
            {
                Publish(rest);
                Context.Environment.Results.MarkPublished(collectId, Context.Info.SubtaskIndex, long.MaxValue);
            });
        }
        base.Finish();
    }

    private void Publish(IReadOnlyList<BytesBatch> batches)
    {
        foreach (var batch in batches)
            Context.Environment.Results.Add(collectId, batch);
    }
}
