using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// What the window aggregates share: their keys, aggregate calls, window, time column and result
/// rows, the map state their accumulators go to (named by <paramref name="stateName"/>), and a
/// snapshot that first writes the accumulators held in memory to it.
/// </summary>
public abstract class WindowAggBase(string name, RowKeys keys, AggregateCalls calls, WindowDefinition window, int timeIndex, IReadOnlyList<SqlType> outputTypes, int inputCount, string stateName)
    : SqlOperator(name, inputCount)
{
    protected RowKeys Keys { get; } = keys;

    protected AggregateCalls Calls { get; } = calls;

    protected WindowDefinition Window { get; } = window;

    protected int TimeIndex { get; } = timeIndex;

    protected IReadOnlyList<SqlType> OutputTypes { get; } = outputTypes;

    protected RowBuilder Output { get; } = new(outputTypes);

    protected string StateId { get; private set; } = "";

    public long LateRowsDropped { get; protected set; }

    public override void Open(TaskContext context)
    {
        base.Open(context);
        StateId = StateKeys.MapPrefix + StateKey + "/" + stateName;
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        WriteLive(forget: false);
        base.SnapshotState(barrier, states);
    }

    /// <summary>Writes the accumulators held in memory to the state backend; with <paramref name="forget"/>, drops them from memory.</summary>
    protected abstract void WriteLive(bool forget);
}
