using PyStream.Engine.Records;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>
/// ORDER BY / LIMIT / OFFSET at parallelism 1. With sort keys (batch mode) every row is kept
/// and the sorted rows are emitted at end of input; with a limit only, rows pass through until
/// the limit is reached (the rows that arrive first, as Flink's streaming LIMIT gives).
/// </summary>
public sealed class SortLimitOperator(string name, IReadOnlyList<SortKey> keys, long? limit, long offset, IReadOnlyList<SqlType> types, int inputCount = 1)
    : SqlOperator(name, inputCount)
{
    private readonly List<object?[]> _rows = [];
    private long _seen;

    protected override void ProcessRows(int input, RowBatch rows)
    {
        if (keys.Count == 0)
        {
            var selected = new List<int>();
            for (var i = 0; i < rows.Count; i++, _seen++)
            {
                if (_seen >= offset && (limit is null || _seen < offset + limit))
                    selected.Add(i);
            }

            EmitRows(selected.Count == rows.Count ? rows : rows.Select(selected.ToArray()));
            return;
        }

        for (var i = 0; i < rows.Count; i++)
            _rows.Add(rows.Columns.Select(c => c.GetBoxed(i)).ToArray());
    }

    protected override void Finish()
    {
        if (keys.Count > 0)
        {
            _rows.Sort(new RowOrdering(keys));
            var builder = new RowBuilder(types);
            foreach (var row in _rows.Skip((int)Math.Min(offset, int.MaxValue)).Take((int)Math.Min(limit ?? int.MaxValue, int.MaxValue)))
                builder.Add(RowKind.Insert, row);
            EmitRows(builder.Take());
        }

        base.Finish();
    }
}
