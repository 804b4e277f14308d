using PyStream.Sql.Ast;
using PyStream.Sql.Parsing;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Service;

/// <summary>
/// CREATE TABLE name WITH (...) AS query (Flink's CTAS): a plain CREATE TABLE whose columns are
/// the query's (names and types, time attributes dropped), then an INSERT of the query into it.
/// With IF NOT EXISTS and the table there already, only the INSERT runs, into the existing table.
/// The clauses Flink's CTAS refuses are refused by name.
/// </summary>
internal static class CreateTableAs
{
    public static (CreateTableStatement Create, InsertStatement Insert) Split(SqlSession session, CreateTableStatement ctas)
    {
        var query = ctas.AsQuery ?? throw new ArgumentException("not a CREATE TABLE ... AS", nameof(ctas));
        Refuse(ctas.Temporary, "to create a temporary table", ctas);
        Refuse(ctas.Columns.Count > 0, "to specify explicit columns", ctas);
        Refuse(ctas.Watermark is not null, "to specify explicit watermark", ctas);
        Refuse(ctas.PrimaryKey is not null, "to specify primary key constraints", ctas);
        Refuse(ctas.PartitionedBy.Count > 0, "to create a partitioned table", ctas);
        var fields = session.Binder().Bind(query).Fields;
        var columns = fields.Select(f => (TableColumn)new PhysicalColumn(f.Name, SqlParser.ParseDataType((f.Type with { TimeAttribute = TimeAttribute.None }).ToString())));
        var create = ctas with { Columns = SqlList.From(columns), AsQuery = null };
        var insert = new InsertStatement(ctas.Name, Overwrite: false, SqlList<string>.Empty, query) { Position = ctas.Position };
        return (create, insert);
    }

    private static void Refuse(bool refused, string what, CreateTableStatement at)
    {
        if (refused)
            throw new SqlValidationException($"CREATE TABLE AS SELECT syntax does not support {what} yet.", at.Position);
    }
}
