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
        var columns = new Column[leftTypes.Count + rightTypes.Count];
        var inputRows = CollectionsMarshal.AsSpan(_inputRows);
        var otherSlots = CollectionsMarshal.AsSpan(_otherSlots);
        for (var c = 0; c < columns.Length; c++)
            columns[c] = Gather(c, inputRows, otherSlots, null);
        var kinds = _kinds.TrueForAll(k => k == RowKind.Insert) ? null : _kinds.ToArray();
        var batch = new RowBatch(columns, Count, kinds);
        Clear();
        return batch;
    }

    /// <summary>
    /// Of the rows added since the last take, only the columns in <paramref name="read"/> (left columns first, then
    /// the right ones); the others are null. The rows stay: what a residual condition reads before the output is chosen.
    /// </summary>
    public Column?[] Columns(IReadOnlyCollection<int> read)
    {
        var columns = new Column?[leftTypes.Count + rightTypes.Count];
        var inputRows = CollectionsMarshal.AsSpan(_inputRows);
        var otherSlots = CollectionsMarshal.AsSpan(_otherSlots);
        foreach (var c in read)
            columns[c] = Gather(c, inputRows, otherSlots, null);
        return columns;
    }

    /// <summary>
    /// The rows at <paramref name="selected"/> (indexes among those added, in that order) as a batch of
    /// <paramref name="kinds"/> (null: all inserts), each column gathered once; then every row added is dropped.
    /// <paramref name="gathered"/>'s columns (from <see cref="Columns"/>) are reused when the selection is every row in order.
    /// </summary>
    public RowBatch TakeSelected(ReadOnlySpan<int> selected, RowKind[]? kinds, Column?[] gathered, bool everyRow)
    {
        _selectedInput.Clear();
        _selectedSlots.Clear();
        foreach (var pair in selected)
        {
            _selectedInput.Add(_inputRows[pair]);
            _selectedSlots.Add(_otherSlots[pair]);
        }

        var inputRows = CollectionsMarshal.AsSpan(_selectedInput);
        var otherSlots = CollectionsMarshal.AsSpan(_selectedSlots);
        var columns = new Column[leftTypes.Count + rightTypes.Count];
        for (var c = 0; c < columns.Length; c++)
            columns[c] = everyRow && gathered[c] is { } reused ? reused : Gather(c, inputRows, otherSlots, selected);
        Clear();
        return new RowBatch(columns, selected.Length, kinds);
    }

    /// <summary>Drops the rows added since the last take.</summary>
    public void Clear()
    {
        _kinds.Clear();
        _inputRows.Clear();
        _others.Clear();
        _otherSlots.Clear();
        _otherArena = null;
    }

    private readonly List<int> _selectedInput = [];
    private readonly List<int> _selectedSlots = [];

    /// <summary>
    /// Output column <paramref name="c"/> of the rows whose input rows and other slots are given; a map side's boxed
    /// rows are those of the rows added at <paramref name="pairs"/> (null: every row added, in order).
    /// </summary>
    private Column Gather(int c, ReadOnlySpan<int> inputRows, ReadOnlySpan<int> otherSlots, ReadOnlySpan<int> pairs)
    {
        var input = _input ?? throw new InvalidOperationException("no input batch to pair rows of");
        var (inputAt, otherAt) = _inputIsLeft ? (0, leftTypes.Count) : (leftTypes.Count, 0);
        var inputCount = _inputIsLeft ? leftTypes.Count : rightTypes.Count;
        if (c >= inputAt && c < inputAt + inputCount)
            return input.Columns[c - inputAt].Select(inputRows);

        // The other side's rows are all of one state: held in its arena (a list side) or boxed.
        var other = c - otherAt;
        if (_otherArena is not null)
            return _otherArena.Column(other).Gather(otherSlots);
        var otherTypes = _inputIsLeft ? rightTypes : leftTypes;
        var column = Column.Create(otherTypes[other].ClrType, otherSlots.Length);
        for (var r = 0; r < otherSlots.Length; r++)
            RowBuilder.SetBoxed(column, r, _others[pairs.IsEmpty ? r : pairs[r]]?.Row[other]);
        return column;
    }
}
