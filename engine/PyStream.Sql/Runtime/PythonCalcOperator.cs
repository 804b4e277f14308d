using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Sql.Runtime;

/// <summary>
/// Evaluates Python scalar functions over each batch (Flink's StreamExecPythonCalc): the rows go
/// on with one result column appended per call. The argument columns cross to Python once per
/// batch, never one call per row.
/// </summary>
public sealed class PythonCalcOperator(string name, PythonScalarCallsSpec spec) : SqlOperator(name, inputCount: 1)
{
    private IPythonScalarCalls? _calls;

    public override void Open(TaskContext context)
    {
        base.Open(context);
        var python = context.Python ?? throw new SqlRuntimeException($"'{Name}' calls Python functions, and this host runs no Python");
        _calls = python.CreateScalarCalls(spec, context.Info);
        _calls.Open();
    }

    protected override void ProcessRows(int input, RowBatch rows)
    {
        if (rows.Count == 0)
            return;
        var results = _calls!.Evaluate(rows.Columns, rows.Count);
        EmitRows(new RowBatch([.. rows.Columns, .. results], rows.Count, rows.Kinds));
    }

    public override void Close()
    {
        if (_calls is null)
            return;
        try
        {
            _calls.Close();
        }
        finally
        {
            _calls.Dispose();
            _calls = null;
        }
    }
}
