using PyStream.Sql.Types;

namespace PyStream.Sql.Connectors.Nexmark;

/// <summary>
/// How the physical columns of a <c>nexmark</c> table map onto the generator: <c>event_type</c>,
/// and the ROW columns <c>person</c>, <c>auction</c> and <c>bid</c>, each of whose declared fields
/// is matched by name to a field of Flink Nexmark's model (a ROW may declare fewer fields, in any
/// order, as older Nexmark DDL without <c>channel</c> and <c>url</c> does).
/// </summary>
public sealed class NexmarkColumns
{
    private NexmarkColumns(IReadOnlyList<NexmarkField?> eventTypes, IReadOnlyList<IReadOnlyList<NexmarkField>?> rows)
    {
        EventType = eventTypes;
        RowFields = rows;
    }

    /// <summary>Per column: <see cref="NexmarkField.EventType"/> for the event_type column, else null.</summary>
    public IReadOnlyList<NexmarkField?> EventType { get; }

    /// <summary>Per column: the generator field of each declared ROW field for a ROW column, else null.</summary>
    public IReadOnlyList<IReadOnlyList<NexmarkField>?> RowFields { get; }

    public int Count => EventType.Count;

    /// <summary>Maps the columns; a column or field the model does not have, or of another type, is refused by name.</summary>
    public static NexmarkColumns Resolve(IReadOnlyList<SqlField> columns, string table)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var eventTypes = new NexmarkField?[columns.Count];
        var rows = new IReadOnlyList<NexmarkField>?[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            var (name, type) = (columns[c].Name, columns[c].Type);
            var kind = name switch
            {
                "person" => NexmarkEventType.Person,
                "auction" => NexmarkEventType.Auction,
                "bid" => NexmarkEventType.Bid,
                _ => (NexmarkEventType?)null,
            };
            if (name == "event_type")
            {
                Require(type.Kind == SqlTypeKind.Int, table, $"column 'event_type' must be INT, got {type}");
                eventTypes[c] = NexmarkField.EventType;
            }
            else if (kind is { } k)
            {
                Require(type.Kind == SqlTypeKind.Row, table, $"column '{name}' must be a ROW of the {name}'s fields, got {type}");
                rows[c] = type.Fields.Select(f => FieldOf(k, f, name, table)).ToArray();
            }
            else
            {
                throw new SqlValidationException($"the nexmark connector has no column '{name}' (table '{table}'); its columns are event_type INT, person ROW<...>, auction ROW<...> and bid ROW<...>, plus computed columns");
            }
        }

        return new NexmarkColumns(eventTypes, rows);
    }

    /// <summary>Every field of the event kind, in model order.</summary>
    public static IReadOnlyList<NexmarkField> FieldsOf(NexmarkEventType kind) => kind switch
    {
        NexmarkEventType.Person => NexmarkSchema.PersonFields,
        NexmarkEventType.Auction => NexmarkSchema.AuctionFields,
        _ => NexmarkSchema.BidFields,
    };

    private static NexmarkField FieldOf(NexmarkEventType kind, SqlField declared, string row, string table)
    {
        var candidates = FieldsOf(kind);
        var field = candidates.FirstOrDefault(f => NexmarkSchema.Name(f) == declared.Name, (NexmarkField)(-1));
        Require(field >= 0, table, $"'{row}' has no field '{declared.Name}'; its fields are {string.Join(", ", candidates.Select(NexmarkSchema.Name))}");
        var expected = NexmarkSchema.Type(field);
        var matches = expected.ClrType == typeof(string) ? declared.Type.ClrType == typeof(string) : declared.Type.Kind == expected.Kind;
        Require(matches, table, $"'{row}.{declared.Name}' must be {expected}, got {declared.Type}");
        return field;
    }

    private static void Require(bool condition, string table, string message)
    {
        if (!condition)
            throw new SqlValidationException($"{message} (table '{table}', connector 'nexmark')");
    }
}
