using PyStream.Engine.UserCode;
using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>The columns a DataStream conversion reads or writes, as the bridge needs them.</summary>
public static class PythonRows
{
    /// <summary>Names, SQL type text (how Python reads and writes the values) and CLR types of <paramref name="fields"/>.</summary>
    public static PythonRowsSpec Of(IReadOnlyList<SqlField> fields) =>
        new(fields.Select(f => f.Name).ToArray(), fields.Select(f => f.Type.ToString()).ToArray(), fields.Select(f => f.Type.ClrType).ToArray());
}
