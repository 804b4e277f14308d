using PyStream.Engine.Records;

namespace PyStream.Engine.UserCode;

/// <summary>
/// The columns of a table that meets the DataStream API (from_data_stream, to_data_stream):
/// their names, their SQL type text (how Python reads and writes their values) and the CLR
/// type of each column's values.
/// </summary>
public sealed record PythonRowsSpec(IReadOnlyList<string> Names, IReadOnlyList<string> Types, IReadOnlyList<Type> ClrTypes);
