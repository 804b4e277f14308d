using PyStream.Engine.UserCode;
using PyStream.Sql.Expressions;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Physical;

internal sealed partial class PhysicalPlanner
{
    /// <summary>A Python operator for the calls, chained after its input: the function objects come from the catalog.</summary>
    private int PythonCalc(PythonCalcNode p)
    {
        var input = Translate(p.Input);
        var parallelism = _nodes[input].Parallelism;
        var name = $"PythonCalc(select=[{string.Join(", ", p.Calls.Select(c => $"{c.Function}({string.Join(", ", c.Operands.Select(o => p.Input.Fields[((InputRef)o).Index].Name))})"))}])";
        var spec = new PythonScalarCallsSpec(p.Calls.Select(call =>
        {
            var python = session.Catalog.FindFunction(call.Function)?.Python
                ?? throw new SqlValidationException($"Function '{call.Function}' is no longer a Python function of the catalog");
            return new PythonScalarCall(
                call.Function,
                python.Function.Memory,
                call.Operands.Select(o => ((InputRef)o).Index).ToArray(),
                call.Operands.Select(o => TypeText(o.Type)).ToArray(),
                TypeText(call.Type),
                call.Type.ClrType);
        }).ToArray());
        return Add(name, "PythonCalc", parallelism, [Forward(input)], _ => new PythonCalcOperator(name, spec), outputTypes: p.Types);
    }

    /// <summary>A type as the Python worker reads it: no time attribute marks.</summary>
    private static string TypeText(SqlType type) => (type with { TimeAttribute = TimeAttribute.None }).ToString();
}
