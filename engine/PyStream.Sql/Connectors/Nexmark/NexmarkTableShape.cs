using PyStream.Engine.Records;

namespace PyStream.Sql.Connectors.Nexmark;

/// <summary>
/// The rows of a <c>nexmark</c> table read whole (no push-down): the generator's leaf columns
/// gathered into the table's <c>event_type</c> and ROW columns, a ROW being an object?[] of its
/// declared fields on rows of its kind and NULL on the others.
/// </summary>
public sealed class NexmarkTableShape
{
    private readonly NexmarkColumns _columns;

    public NexmarkTableShape(NexmarkColumns columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns;
        var leaves = new List<NexmarkField> { NexmarkField.EventType };
        for (var c = 0; c < columns.Count; c++)
        {
            if (columns.RowFields[c] is { } fields)
                leaves.AddRange(fields.Where(f => !leaves.Contains(f)));
        }

        Projection = new NexmarkProjection(leaves);
    }

    /// <summary>What the source asks the generator for: event_type and every declared ROW field, on every event.</summary>
    public NexmarkProjection Projection { get; }

    public RowBatch Shape(RowBatch leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var types = ((Column<int>)leaves.Columns[0]).Values;
        var columns = new Column[_columns.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            if (_columns.RowFields[c] is not { } fields)
            {
                columns[c] = leaves.Columns[0];
                continue;
            }

            var kind = (int)NexmarkSchema.EventTypeOf(fields.Count > 0 ? fields[0] : NexmarkField.EventType).GetValueOrDefault();
            var sources = fields.Select(f => leaves.Columns[Projection.ColumnOf[(int)f]]).ToArray();
            var values = new object?[leaves.Count];
            var nulls = new bool[leaves.Count];
            for (var row = 0; row < leaves.Count; row++)
            {
                if (types[row] != kind || fields.Count == 0)
                {
                    nulls[row] = true;
                    continue;
                }

                var value = new object?[sources.Length];
                for (var f = 0; f < sources.Length; f++)
                    value[f] = sources[f].GetBoxed(row);
                values[row] = value;
            }

            columns[c] = new Column<object?>(values, nulls);
        }

        return new RowBatch(columns, leaves.Count);
    }
}
