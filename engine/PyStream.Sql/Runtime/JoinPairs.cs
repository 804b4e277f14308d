using System.Runtime.InteropServices;
using PyStream.Engine.Records;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Rows of a regular join's output (or its residual's candidate pairs) made while one input batch
/// is processed: each pairs a row of that batch (or none: nulls) with a row of the other side's
/// state (or none: nulls), left columns first. The batch's columns are copied typed, by index, and
/// so are the other side's rows held in an arena (a list side's); only a map side's rows are boxed.
/// </summary>
internal sealed class JoinPairs(IReadOnlyList<SqlType> leftTypes, IReadOnlyList<SqlType> rightTypes)
{
    private readonly List<int> _inputRows = [];
    private readonly List<JoinRecordState.Record?> _others = [];
    private readonly List<int> _otherSlots = [];
    private RowArena? _otherArena;
    private readonly List<RowKind> _kinds = [];
    private RowBatch? _input;
    private bool _inputIsLeft;

    public int Count => _kinds.Count;

    /// <summary>Starts pairing rows of <paramref name="input"/>, the left side's batch or the right one's.</summary>
    public void Begin(RowBatch input, bool inputIsLeft)
    {
        if (Count > 0)
            throw new InvalidOperationException("the pairs of the previous batch were not taken");
        (_input, _inputIsLeft) = (input, inputIsLeft);
    }

    /// <summary>A row of kind <paramref name="kind"/>: input row <paramref name="inputRow"/> (-1: nulls) beside <paramref name="other"/>'s row (null: nulls).</summary>
    public void Add(RowKind kind, int inputRow, JoinRecordState.Record? other)
    {
        _kinds.Add(kind);
        _inputRows.Add(inputRow);
        _others.Add(other);
        _otherSlots.Add(other?.Slot ?? -1);
        if (other?.Arena is { } arena)
            _otherArena = arena;
    }

    /// <summary>The rows added since the last call, as a batch (null when there are none).</summary>
    public RowBatch? Take()
    {
        if (Count == 0)
            return null;
        var input = _input ?? throw new InvalidOperationException("no input batch to pair rows of");
        var (inputTypes, otherTypes) = _inputIsLeft ? (leftTypes, rightTypes) : (rightTypes, leftTypes);
        var (inputAt, otherAt) = _inputIsLeft ? (0, leftTypes.Count) : (leftTypes.Count, 0);
        var count = Count;
        var columns = new Column[leftTypes.Count + rightTypes.Count];
        var inputRows = CollectionsMarshal.AsSpan(_inputRows);
        for (var c = 0; c < inputTypes.Count; c++)
            columns[inputAt + c] = input.Columns[c].Select(inputRows);
        var otherSlots = CollectionsMarshal.AsSpan(_otherSlots);
        for (var c = 0; c < otherTypes.Count; c++)
        {
            // The other side's rows are all of one state: held in its arena (a list side) or boxed.
            if (_otherArena is not null)
            {
                columns[otherAt + c] = _otherArena.Column(c).Gather(otherSlots);
                continue;
            }

            var column = Column.Create(otherTypes[c].ClrType, count);
            for (var r = 0; r < count; r++)
                RowBuilder.SetBoxed(column, r, _others[r]?.Row[c]);
            columns[otherAt + c] = column;
        }

        var kinds = _kinds.TrueForAll(k => k == RowKind.Insert) ? null : _kinds.ToArray();
        _kinds.Clear();
        _inputRows.Clear();
        _others.Clear();
        _otherSlots.Clear();
        _otherArena = null;
        return new RowBatch(columns, count, kinds);
    }
}
