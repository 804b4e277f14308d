using PyStream.Engine;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;
using PyStream.Sql.Functions;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A table's rows as a DataStream of pyflink <c>Row</c>s (to_data_stream, to_changelog_stream):
/// one call per batch makes the Rows, with the table's field names and each row's kind; the
/// rowtime column, when the table has one, becomes each record's timestamp. Watermarks pass on,
/// so a DataStream event-time window after it fires as the table's watermarks advance.
/// </summary>
public sealed class ToDataStreamOperator(string name, PythonRowsSpec columns, int rowtimeIndex, bool changelog) : SqlOperator(name, inputCount: 1)
{
    private IPythonJob? _python;
    private TaskInfo? _task;

    public override void Open(TaskContext context)
    {
        base.Open(context);
        _python = context.Python ?? throw new SqlRuntimeException($"'{Name}' makes Python records, and this host runs no Python");
        _task = context.Info;
    }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        if (rows.Count == 0)
            return;
        if (!changelog && rows.Kinds is { } kinds && kinds.Take(rows.Count).Any(k => k != RowKind.Insert))
            throw new SqlRuntimeException($"'{Name}': to_data_stream takes insert-only tables, and a row of kind {kinds.First(k => k != RowKind.Insert).ShortString()} arrived");
        var records = _python!.ColumnsToRecords(rows.Columns, rows.Count, changelog ? rows.Kinds : null, columns, _task!);
        Emit(0, rowtimeIndex < 0 ? records : records.WithColumns(null, Timestamps((Column<long>)rows.Columns[rowtimeIndex], rows.Count), null));
    }

    private static long[] Timestamps(Column<long> rowtime, int count)
    {
        var stamps = new long[count];
        for (var i = 0; i < count; i++)
            stamps[i] = rowtime.IsNull(i) ? long.MinValue : TimeMath.MillisOf(rowtime.Values[i]);
        return stamps;
    }
}
