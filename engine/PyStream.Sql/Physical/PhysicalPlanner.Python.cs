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
        var spec = new PythonScalarCallsSpec(p.Calls.Select(ScalarCall).ToArray());
        return Add(name, "PythonCalc", parallelism, [Forward(input)], _ => new PythonCalcOperator(name, spec), outputTypes: p.Types);
    }

    /// <summary>A call whose operands are columns of the input, with its function object from the catalog.</summary>
    private PythonScalarCall ScalarCall(PythonCallExpr call) => new(
        call.Function,
        PythonObject(call.Function),
        call.Operands.Select(o => ((InputRef)o).Index).ToArray(),
        call.Operands.Select(o => TypeText(o.Type)).ToArray(),
        TypeText(call.Type),
        call.Type.ClrType);

    private ReadOnlyMemory<byte> PythonObject(string function) => (session.Catalog.FindFunction(function)?.Python
        ?? throw new SqlValidationException($"Function '{function}' is no longer a Python function of the catalog")).Function.Memory;

    /// <summary>A Python table function's correlate, chained after its input.</summary>
    private int PythonCorrelate(CorrelateNode c)
    {
        var input = Translate(c.Input);
        var call = c.Call;
        var fields = call.Type.Fields;
        var name = $"PythonCorrelate(invocation=[{call.Function}({string.Join(", ", call.Operands.Select(o => c.Input.Fields[((InputRef)o).Index].Name))})], "
            + $"select=[{Names(c.Output)}], joinType=[{(c.Outer ? "LEFT" : "INNER")}])";
        var spec = new PythonTableCallSpec(
            call.Function,
            PythonObject(call.Function),
            call.Operands.Select(o => ((InputRef)o).Index).ToArray(),
            call.Operands.Select(o => TypeText(o.Type)).ToArray(),
            fields.Select(f => TypeText(f.Type)).ToArray(),
            fields.Select(f => f.Type.ClrType).ToArray(),
            c.Outer);
        return Add(name, "PythonCorrelate", _nodes[input].Parallelism, [Forward(input)], _ => new PythonCorrelateOperator(name, spec), outputTypes: c.Types);
    }

    /// <summary>A GROUP BY of Python aggregate functions: the calls' arguments are columns of the input.</summary>
    private int PythonAggregate(AggregateNode a)
    {
        var batch = session.BatchMode;
        var outputTypes = a.Types;
        var spec = new PythonAggregateCallsSpec(
            a.Aggregates.Select(c => new PythonScalarCall(c.Function, PythonObject(c.Function), c.Args, c.ArgTypes.Select(TypeText).ToArray(), TypeText(c.Type), c.Type.ClrType)).ToArray(),
            Retracts: !batch && a.Input.IsChangelog);
        return GroupAggregate(a, "PythonGroupAggregate", (name, keys, inputCount) => new PythonGroupAggOperator(name, keys, spec, outputTypes, batch, inputCount));
    }

    /// <summary>A type as the Python worker reads it: no time attribute marks.</summary>
    private static string TypeText(SqlType type) => (type with { TimeAttribute = TimeAttribute.None }).ToString();
}
