using PyStream.Engine.Records;
using PyStream.Sql.Compiling;

namespace PyStream.Sql.Runtime;

/// <summary>Filters and projects rows with one compiled program (Flink's StreamExecCalc).</summary>
public sealed class CalcOperator(string name, CalcProgram program, int inputCount = 1) : SqlOperator(name, inputCount)
{
    protected override void ProcessRows(int input, RowBatch rows) => EmitRows(program.Run(rows));
}
