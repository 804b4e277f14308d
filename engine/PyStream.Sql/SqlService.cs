using PyStream.Sql.Protocol;

namespace PyStream.Sql;

/// <summary>
/// A table environment's statement, answered: DDL checked and echoed for the client's
/// catalog, SHOW/DESCRIBE/EXPLAIN answered with rows, queries and INSERTs planned into a job.
/// Every host calls this one entry (the embedded engine, the gateway's Sql call).
/// Refusals are <see cref="SqlParseException"/> and <see cref="SqlValidationException"/>.
/// </summary>
public static class SqlService
{
    public static SqlResponse Execute(SqlRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        throw new SqlValidationException("the SQL planner is being built (issue 14)");
    }
}
