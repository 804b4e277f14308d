using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.State;
using PyStream.Sql.Compiling;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// What the watermark-driven joins share: input 0 is the left side and input 1 the right, both
/// hashed by their equal keys; each side's rows are kept by key and time in a
/// <see cref="TimedRowStore"/>, and a <see cref="KeyTimerIndex"/> says which keys have something
/// to do when the watermark passes a time (rebuilt from the stores after a restore).
/// </summary>
public abstract class TimedJoinOperator : SqlOperator
{
    /// <summary>Rows held in memory (by default) before they are written to the state backend.</summary>
    public const int DefaultMaxPendingRows = 1 << 20;

    private readonly IReadOnlyList<SqlType> _leftTypes;
    private readonly IReadOnlyList<SqlType> _rightTypes;
    private readonly string _leftState;
    private readonly string _rightState;
    private readonly int _maxPendingRows;
    private bool _indexed;

    private protected TimedJoinOperator(string name, IReadOnlyList<int> leftKeys, IReadOnlyList<int> rightKeys, IReadOnlyList<SqlType> leftTypes, IReadOnlyList<SqlType> rightTypes,
        CalcProgram? condition, string leftState, string rightState, int maxPendingRows,
        IReadOnlyList<int>? leftNullFiltered = null, IReadOnlyList<int>? rightNullFiltered = null)
        : base(name, 2)
    {
        _leftTypes = leftTypes;
        _rightTypes = rightTypes;
        _leftState = leftState;
        _rightState = rightState;
        _maxPendingRows = maxPendingRows;
        LeftKeys = new RowKeys(leftKeys, leftKeys.Select(k => leftTypes[k]).ToArray());
        RightKeys = new RowKeys(rightKeys, rightKeys.Select(k => rightTypes[k]).ToArray());
        Joined = new JoinedRows(leftTypes, rightTypes, leftNullFiltered ?? leftKeys, rightNullFiltered ?? rightKeys, condition);
        Output = new RowBuilder(Joined.Types);
    }

    private protected RowKeys LeftKeys { get; }

    private protected RowKeys RightKeys { get; }

    private protected JoinedRows Joined { get; }

    private protected RowBuilder Output { get; }

    private protected KeyTimerIndex Timers { get; } = new();

    private protected TimedRowStore Left { get; private set; } = null!;

    private protected TimedRowStore Right { get; private set; } = null!;

    public override void Open(TaskContext context)
    {
        base.Open(context);
        Left = new TimedRowStore(StateKeys.MapPrefix + StateKey + "/" + _leftState, _leftTypes);
        Right = new TimedRowStore(StateKeys.MapPrefix + StateKey + "/" + _rightState, _rightTypes);
    }

    protected sealed override void ProcessRows(int input, RowBatch rows)
    {
        IndexRestoredRows();
        Accept(input == 0, rows);
        if (Left.PendingCount + Right.PendingCount > _maxPendingRows)
            Flush();
    }

    /// <summary>Files the rows of one side's batch.</summary>
    private protected abstract void Accept(bool left, RowBatch rows);

    /// <summary>Does what the watermark made due: the keys whose timers passed it.</summary>
    private protected abstract void Fire(long watermark);

    protected sealed override void OnWatermark(long watermark)
    {
        IndexRestoredRows();
        Fire(watermark);
        EmitRows(Output.Take());
        base.OnWatermark(watermark);
    }

    /// <summary>Emits the joined rows collected so far once there are many.</summary>
    private protected void EmitIfFull()
    {
        if (Output.Count >= 8192)
            EmitRows(Output.Take());
    }

    private protected static object?[] RowAt(RowBatch rows, int i)
    {
        var row = new object?[rows.Columns.Length];
        for (var c = 0; c < row.Length; c++)
            row[c] = rows.Columns[c].GetBoxed(i);
        return row;
    }

    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        Flush();
        base.SnapshotState(barrier, states);
    }

    private void Flush()
    {
        Left.Flush(Context.State);
        Right.Flush(Context.State);
    }

    /// <summary>After a restore the backend's rows are not in the timer index yet: the first call indexes them.</summary>
    private void IndexRestoredRows()
    {
        if (_indexed)
            return;
        _indexed = true;
        foreach (var (key, time) in Left.StoredTimes(Context.State).Concat(Right.StoredTimes(Context.State)))
            Timers.Add(time, key);
    }
}
