namespace PyStream.Engine.Runtime.Operators;

/// <summary>Hands pickled batches to the client that runs <c>execute_and_collect</c>; stops the job at its limit.</summary>
public sealed class CollectSinkOperator(string name, int inputCount, string collectId, long limit)
    : StreamOperator(name, inputCount, portCount: 0)
{
    private long _received;

    public override void ProcessBatch(int input, Batch batch)
    {
        if (batch is not BytesBatch pickled)
            throw new PyStreamException($"collect sink '{Name}' expects pickled records, got {batch.GetType().Name}");
        if (limit > 0 && _received >= limit)
            return;
        Context.Environment.Results.Add(collectId, pickled);
        _received += pickled.Count;
        if (limit > 0 && _received >= limit)
            Context.RequestJobFinish();
    }
}
