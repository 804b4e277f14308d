using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Time;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// A physical operator, run by its task's thread only. Inputs are numbered; outputs are
/// ports, each with the consumers wired to it. The watermark is the minimum over active
/// inputs (a <see cref="WatermarkValve"/>).
/// </summary>
public abstract class StreamOperator
{
    private readonly WatermarkValve _inputs;
    private int _endedInputs;

    protected StreamOperator(string name, int inputCount, int portCount)
    {
        Name = name;
        InputCount = inputCount;
        Outputs = new List<IBatchConsumer>[portCount];
        for (var i = 0; i < portCount; i++)
            Outputs[i] = [];
        _inputs = new WatermarkValve(OnWatermark, OnWatermarkStatus);
        _inputs.AddInputs(inputCount);
    }

    public string Name { get; }

    /// <summary>Where this operator's state is filed in snapshots: its uid, else its transformation id.</summary>
    public string StateKey { get; set; } = "";

    public int InputCount { get; }

    public List<IBatchConsumer>[] Outputs { get; }

    protected TaskContext Context { get; private set; } = null!;

    public virtual void Open(TaskContext context)
    {
        Context = context;
    }

    public abstract void ProcessBatch(int input, Batch batch);

    /// <summary>The watermark this operator has reached: the minimum over its active inputs.</summary>
    public long CurrentWatermark => _inputs.Output;

    public void ProcessWatermark(int input, long watermark)
    {
        OnInputWatermark(input, watermark);
        _inputs.InputWatermark(input, watermark);
    }

    /// <summary>One input's own watermark, before it is combined with the others' (an operator that bounds one input by another's time).</summary>
    protected virtual void OnInputWatermark(int input, long watermark)
    {
    }

    /// <summary>An idle input stops holding back the watermark until it becomes active again.</summary>
    public void ProcessWatermarkStatus(int input, bool idle) => _inputs.InputIdle(input, idle);

    protected virtual void OnWatermarkStatus(bool idle)
    {
        foreach (var port in Outputs)
        {
            foreach (var consumer in port)
                consumer.AcceptWatermarkStatus(idle);
        }
    }

    public void EndInput(int input)
    {
        _inputs.EndInput(input);
        if (++_endedInputs == InputCount)
            Finish();
    }

    /// <summary>Every input has ended: emit what is held back, then end the outputs.</summary>
    protected virtual void Finish()
    {
        foreach (var port in Outputs)
        {
            foreach (var consumer in port)
                consumer.EndOfInput();
        }
    }

    /// <summary>The highest watermark this operator sent on (read by metrics from other threads).</summary>
    public long OutputWatermark => Volatile.Read(ref _outputWatermark);

    private long _outputWatermark = long.MinValue;

    protected virtual void OnWatermark(long watermark)
    {
        if (watermark > _outputWatermark)
            Volatile.Write(ref _outputWatermark, watermark);
        foreach (var port in Outputs)
        {
            foreach (var consumer in port)
                consumer.AcceptWatermark(watermark);
        }
    }

    public virtual void Close()
    {
    }

    /// <summary>A barrier aligned: hand the operator's state to <paramref name="states"/>, by state key.</summary>
    public virtual void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
    }

    /// <summary>After <see cref="Open"/>: take this subtask's share of a checkpoint's state.</summary>
    public virtual void RestoreState(TaskRestore restore)
    {
    }

    /// <summary>Every task acknowledged checkpoint <paramref name="checkpointId"/>: commit what it covers.</summary>
    public virtual void NotifyCheckpointComplete(long checkpointId)
    {
    }

    /// <summary>
    /// Hands a batch to every consumer of a port. A Python batch is owned by whoever takes
    /// it, so every consumer but the last gets its own shared reference.
    /// </summary>
    protected void Emit(int port, Batch batch)
    {
        var consumers = Outputs[port];
        for (var i = 0; i < consumers.Count; i++)
        {
            var own = i < consumers.Count - 1 && batch is PythonBatch records
                ? Context.Environment.Python!.Share(records)
                : batch;
            consumers[i].Accept(own);
        }
    }
}

/// <summary>Feeds one input of a chained operator.</summary>
internal sealed class ChainedInput(StreamOperator target, int input) : IBatchConsumer
{
    public void Accept(Batch batch) => target.ProcessBatch(input, batch);

    public void AcceptWatermark(long watermark) => target.ProcessWatermark(input, watermark);

    public void AcceptWatermarkStatus(bool idle) => target.ProcessWatermarkStatus(input, idle);

    public void EndOfInput() => target.EndInput(input);
}
