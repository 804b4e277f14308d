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

    /// <summary>
    /// Set when the time column is a TIMESTAMP_LTZ and the session's zone is not UTC: windows are then
    /// aligned to that zone's wall clock (Flink's TimeWindowUtil), window_start and window_end are its
    /// wall-clock times and a window fires when the watermark passes the instant its end names.
    /// </summary>
    public TimeZoneInfo? ShiftZone { get; init; }

    protected long WindowMillis(long micros) => WindowAssignment.WindowMillis(micros, ShiftZone);

    protected long FiringMillis(long end) => WindowAssignment.FiringMillis(end, ShiftZone);

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
