namespace PyStream.Sql.Types;

/// <summary>A named field of a row type (a table's column, a ROW's field).</summary>
public sealed record SqlField(string Name, SqlType Type);
