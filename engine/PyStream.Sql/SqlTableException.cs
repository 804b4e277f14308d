using PyStream.Engine;

namespace PyStream.Sql;

/// <summary>
/// A valid query that cannot run as asked (Flink's <c>TableException</c>): an updating table
/// turned into an insert-only DataStream. The client raises <c>pyflink.util.exceptions.TableException</c>.
/// </summary>
public sealed class SqlTableException(string message) : PyStreamException(message);
