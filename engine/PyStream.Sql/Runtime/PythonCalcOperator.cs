using PyStream.Engine;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Evaluates Python scalar functions over each batch (Flink's StreamExecPythonCalc): the rows go
/// on with one result column appended per call. The argument columns cross to Python once per
/// batch, never one call per row.
/// </summary>
public sealed class PythonCalcOperator(string name, PythonScalarCallsSpec spec) : PythonFunctionsOperator<IPythonScalarCalls>(name, inputCount: 1)
{
    protected override IPythonScalarCalls Create(IPythonJob python, TaskInfo task) => python.CreateScalarCalls(spec, task);

    protected override void ProcessRows(int input, RowBatch rows)
    {
        if (rows.Count == 0)
            return;
        var results = Functions.Evaluate(rows.Columns, rows.Count);
        EmitRows(new RowBatch([.. rows.Columns, .. results], rows.Count, rows.Kinds));
    }
}
