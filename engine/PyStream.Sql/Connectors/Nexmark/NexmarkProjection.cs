using PyStream.Engine;

namespace PyStream.Sql.Connectors.Nexmark;

/// <summary>
/// What a source asks the generator for: the columns, in order, and optionally one kind of event.
/// With <see cref="Only"/> set, the batch holds a row per event of that kind and nothing for the
/// others (the views <c>bid</c>, <c>person</c>, <c>auction</c>: <c>WHERE event_type = …</c> done
/// at the source); without it, a row per event, the fields of the other kinds null (the
/// <c>nexmark</c> table).
/// </summary>
public sealed class NexmarkProjection
{
    public NexmarkProjection(IReadOnlyList<NexmarkField> fields, NexmarkEventType? only = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var seen = new HashSet<NexmarkField>();
        foreach (var field in fields)
        {
            if (!seen.Add(field))
                throw new PyStreamException($"nexmark: field {field} asked for twice; project it once and copy the column");
            if (!Enum.IsDefined(field))
                throw new PyStreamException($"nexmark: unknown field {(int)field}");
            if (only is { } kind && NexmarkSchema.EventTypeOf(field) is { } owner && owner != kind)
                throw new PyStreamException($"nexmark: field {owner.ToString().ToLowerInvariant()}.{NexmarkSchema.Name(field)} is never set on {kind.ToString().ToLowerInvariant()} rows");
        }

        Fields = fields.ToArray();
        Only = only;
        ColumnOf = new int[Enum.GetValues<NexmarkField>().Length];
        Array.Fill(ColumnOf, -1);
        for (var c = 0; c < Fields.Count; c++)
            ColumnOf[(int)Fields[c]] = c;
    }

    public IReadOnlyList<NexmarkField> Fields { get; }

    public NexmarkEventType? Only { get; }

    /// <summary>For every field, the index of its column in the batch, or -1 when not asked for.</summary>
    internal int[] ColumnOf { get; }

    public bool Wants(NexmarkField field) => ColumnOf[(int)field] >= 0;
}
