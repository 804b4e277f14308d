using PyStream.Engine.Records;
using PyStream.Sql.Compiling;

namespace PyStream.Sql.Runtime;

/// <summary>Filters and projects rows with one compiled program (Flink's StreamExecCalc).</summary>
public sealed class CalcOperator(string name, CalcProgram program) : SqlOperator(name, inputCount: 1)
{
    protected override void ProcessRows(int input, RowBatch rows) => EmitRows(program.Run(rows));
}
