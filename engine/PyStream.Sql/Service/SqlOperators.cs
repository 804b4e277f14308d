using System.Collections.Concurrent;
using Google.Protobuf;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;
using PyStream.Sql.Physical;
using PyStream.Sql.Protocol;

namespace PyStream.Sql.Service;

/// <summary>
/// Builds the operators of SQL nodes in a job: the query is planned again from the request the
/// node carries (once per process and request), and node i of that plan is built.
/// </summary>
public sealed class SqlOperators : IOperatorProvider
{
    /// <summary>Plans of the queries this process runs; a long-lived gateway forgets them past this many.</summary>
    private const int PlansKept = 64;

    private readonly ConcurrentDictionary<ByteString, Lazy<PhysicalPlan>> _plans = new();

    public StreamOperator? Create(Transformation transformation, OperatorTarget target)
    {
        if (transformation.BodyCase != Transformation.BodyOneofCase.Sql)
            return null;
        var spec = transformation.Sql;
        if (_plans.Count > PlansKept && !_plans.ContainsKey(spec.Plan))
            _plans.Clear(); // planning again costs milliseconds; the subtasks of a job starting now re-plan at most once more
        var plan = _plans.GetOrAdd(spec.Plan, bytes => new Lazy<PhysicalPlan>(() => SqlService.Replan(SqlRequest.Parser.ParseFrom(bytes)))).Value;
        if (spec.Operator < 0 || spec.Operator >= plan.Nodes.Count || plan.Nodes[spec.Operator].Factory is not { } factory)
            throw new SqlValidationException($"'{target.Node.Name}': the query's plan has no SQL operator {spec.Operator} (was it planned by another version?)");
        var op = factory(target);
        if (plan.Nodes[spec.Operator].OutputKeys is { } keys)
        {
            if (op is Runtime.SqlOperator sql)
                sql.OutputKeys = keys.Copy();
            else if (op is Runtime.SqlSourceOperator source)
                source.OutputKeys = keys.Copy();
        }
        return op;
    }
}
