using PyStream.Sql.Formats;

namespace PyStream.Sql.Runtime;

/// <summary>
/// How a row of an upsert-kafka table maps onto a Kafka record: the key format writes
/// <see cref="KeyColumns"/> (the primary key), the value format <see cref="ValueColumns"/>
/// (every column, or all but the key's with 'value.fields-include' = 'EXCEPT_KEY'); both are
/// positions in a row of <see cref="Width"/> columns.
/// </summary>
public sealed record KafkaKeyValueLayout(RowFormat Key, IReadOnlyList<int> KeyColumns, RowFormat Value, IReadOnlyList<int> ValueColumns, int Width)
{
    public static object?[] Pick(object?[] row, IReadOnlyList<int> columns)
    {
        var values = new object?[columns.Count];
        for (var i = 0; i < values.Length; i++)
            values[i] = row[columns[i]];
        return values;
    }
}
