using PyStream.Engine;

namespace PyStream.Sql;

/// <summary>
/// A statement that parses but does not make sense: an unknown table, column or function
/// (with a suggestion when one is close), a type error naming the operator and both types,
/// a missing connector option, an unsupported construct named as such. The message starts
/// with the line and column of the offending fragment when it is known (a node the engine made
/// itself, such as the CREATE FUNCTION of create_temporary_function, is at line 0: no position).
/// </summary>
public sealed class SqlValidationException : PyStreamException
{
    public SqlValidationException(string message, SourcePosition? position = null)
        : base(position is { Line: > 0 } at ? $"SQL validation error at {at}: {message}" : $"SQL validation error: {message}")
    {
        Position = position is { Line: > 0 } ? position : null;
    }

    public SourcePosition? Position { get; }
}
