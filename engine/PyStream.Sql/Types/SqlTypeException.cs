using PyStream.Engine;

namespace PyStream.Sql.Types;

/// <summary>A type that cannot exist, or a value or operation that does not fit its types.</summary>
public sealed class SqlTypeException(string message) : PyStreamException(message);
