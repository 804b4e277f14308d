using System.Text;
using PyStream.Engine.Records;
using PyStream.Sql.Types;

namespace PyStream.Sql.Rendering;

/// <summary>
/// What the <c>print</c> connector writes for a row: Java's <c>Row.toString()</c> over Flink's
/// default external classes (<c>+I[acc-1, 210, 3]</c>). Nulls are <c>null</c>, TIMESTAMP is a
/// LocalDateTime (<c>2024-01-01T10:00</c>), TIMESTAMP_LTZ an Instant (<c>...Z</c>), DATE a
/// LocalDate, TIME a LocalTime, intervals a Period (<c>P1Y2M</c>) or Duration (<c>PT1H</c>),
/// DECIMAL a BigDecimal (<c>0E-10</c>), BYTES a byte[] (<c>[10, -1]</c>), a nested ROW a Row.
/// </summary>
public static class JavaText
{
    public static string RowToString(RowKind kind, object?[] values, IReadOnlyList<SqlType> types)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(types);
        if (values.Length != types.Count)
            throw new ArgumentException($"{values.Length} values for {types.Count} types", nameof(values));
        var fields = new SqlField[types.Count];
        for (var i = 0; i < fields.Length; i++)
            fields[i] = new SqlField("f" + i, types[i]);
        var text = new StringBuilder();
        JavaValueFormatter.Instance.AppendRow(text, kind, values, fields);
        return text.ToString();
    }
}
