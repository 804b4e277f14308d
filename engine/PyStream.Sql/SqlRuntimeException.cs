using PyStream.Engine;

namespace PyStream.Sql;

/// <summary>
/// An expression that fails on a row's values: integer division by zero, a string that is not
/// a number in <c>CAST</c>, a malformed date pattern. Flink fails the job on these; so does PyStream.
/// </summary>
public sealed class SqlRuntimeException : PyStreamException
{
    public SqlRuntimeException(string message) : base(message) { }

    public SqlRuntimeException(string message, Exception inner) : base(message, inner) { }
}
