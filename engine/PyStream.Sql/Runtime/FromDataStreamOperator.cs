using PyStream.Engine;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Sql.Runtime;

/// <summary>
/// A DataStream's records as a table's rows (from_data_stream, Flink's DataStream scan): Python
/// records become columns of the table's types in one call per batch (the bridge converts the
/// values), numbers and lines of native sources become their one column directly, and the
/// <c>rowtime</c> metadata column is each record's timestamp. Watermarks pass on unchanged
/// (<c>SOURCE_WATERMARK()</c>); a table with a watermark expression has its own assigner after this.
/// </summary>
public sealed class FromDataStreamOperator : SqlOperator
{
    /// <summary>In <see cref="_layout"/>: the column is the record's timestamp.</summary>
    public const int Rowtime = -1;

    private readonly PythonRowsSpec _physical;
    private readonly int[] _layout;
    private readonly bool _changelog;
    private IPythonJob? _python;
    private TaskInfo? _task;

    /// <param name="layout">For each output column, its physical column, or <see cref="Rowtime"/>.</param>
    /// <param name="changelog">from_changelog_stream: each row keeps its Row's kind.</param>
    public FromDataStreamOperator(string name, PythonRowsSpec physical, int[] layout, bool changelog) : base(name, inputCount: 1)
    {
        _physical = physical;
        _layout = layout;
        _changelog = changelog;
    }

    public override void Open(TaskContext context)
    {
        base.Open(context);
        _python = context.Python;
        _task = context.Info;
    }

    public override void ProcessBatch(int input, Batch batch)
    {
        if (batch.Count == 0)
            return;
        var physical = batch switch
        {
            PythonBatch records => (_python ?? throw new SqlRuntimeException($"'{Name}' reads Python records, and this host runs no Python"))
                .RecordsToRows(records, _physical, _changelog, _task!),
            LongRangeBatch range when IsOne(typeof(long)) => new RowBatch([Numbers(range)], range.Count),
            TextBatch text when IsOne(typeof(string)) => new RowBatch([new Column<string>(text.Lines)], text.Count),
            RowBatch rows when rows.Columns.Length == _physical.Types.Count => rows,
            _ => throw new SqlRuntimeException($"'{Name}': the DataStream's records ({batch.GetType().Name}) do not fit the table's columns ({string.Join(", ", _physical.Types)})"),
        };
        var columns = _layout.Select(at => at == Rowtime ? Timestamps(batch) : physical.Columns[at]).ToArray();
        EmitRows(new RowBatch(columns, batch.Count, physical.Kinds));
    }

    protected override void ProcessRows(int input, RowBatch rows) => ProcessBatch(input, rows);

    private bool IsOne(Type clrType) => _physical.ClrTypes.Count == 1 && _physical.ClrTypes[0] == clrType;

    private static Column<long> Numbers(LongRangeBatch range)
    {
        var values = new long[range.Count];
        for (var i = 0; i < values.Length; i++)
            values[i] = range[i];
        return new Column<long>(values);
    }

    /// <summary>The records' timestamps as a TIMESTAMP_LTZ(3) column (microseconds); null where a record has none.</summary>
    private static Column<long> Timestamps(Batch batch)
    {
        var values = new long[batch.Count];
        var nulls = new bool[batch.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var ms = batch.Timestamps is { } stamps ? stamps[i] : long.MinValue;
            nulls[i] = ms == long.MinValue;
            values[i] = nulls[i] ? 0 : ms * 1000;
        }

        return new Column<long>(values, nulls);
    }
}
