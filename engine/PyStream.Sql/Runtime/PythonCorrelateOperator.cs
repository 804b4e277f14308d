using PyStream.Engine;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Joins each row with the rows a Python table function gives for it (Flink's
/// StreamExecPythonCorrelate): one call per batch, which returns every produced row with the index
/// of its input row; each output row is its input row's columns, with its kind, then the function's.
/// </summary>
public sealed class PythonCorrelateOperator(string name, PythonTableCallSpec spec) : PythonFunctionsOperator<IPythonTableCall>(name, inputCount: 1)
{
    protected override IPythonTableCall Create(IPythonJob python, TaskInfo task) => python.CreateTableCall(spec, task);

    protected override void ProcessRows(int input, RowBatch rows)
    {
        if (rows.Count == 0)
            return;
        var produced = Functions.Evaluate(rows.Columns, rows.Count);
        if (produced.InputRows.Length == 0)
            return;
        var joined = rows.Select(produced.InputRows);
        EmitRows(new RowBatch([.. joined.Columns, .. produced.Columns], joined.Count, joined.Kinds));
    }
}
