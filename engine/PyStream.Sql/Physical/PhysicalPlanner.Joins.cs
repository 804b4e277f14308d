using PyStream.Engine.Spec;
using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Physical;

// Joins: both inputs hashed by the join keys into one keyed task (all to one task without keys).
internal sealed partial class PhysicalPlanner
{
    public const string StateTtlKey = "table.exec.state.ttl";

    private int Join(JoinNode j)
    {
        if (j.Interval is not null)
            return IntervalJoin(j);
        j = JoinFilterPushdown.Apply(j);
        var (left, right, parallelism) = JoinInputs(j);
        // Flink's JoinInputSideSpec: a side with a unique key keeps one row per key (a regular join in streaming mode).
        var (leftSide, rightSide) = session.BatchMode
            ? (JoinInputSide.NoUniqueKey, JoinInputSide.NoUniqueKey)
            : (JoinInputSide.Of(j.Left, j.LeftKeys), JoinInputSide.Of(j.Right, j.RightKeys));
        var retention = Retention(j, left.Node, right.Node);
        var spec = OperatorSpec(j, StateTtlMillis, session.BatchMode, leftSide, rightSide, retention);
        var names = UniqueNames(j.Fields);
        var retained = retention is null ? "" : $", stateRetention=[{retention.Describe(names[(retention.DropLeft ? 0 : j.Left.Fields.Count) + retention.TimeColumn])}]";
        var name = $"Join(joinType=[{JoinTypeName(j.Type)}], where=[{JoinCondition(j, session.Context)}], select=[{string.Join(", ", names)}], leftInputSpec=[{leftSide}], rightInputSpec=[{rightSide}]{retained})";
        return Add(name, "Join", parallelism, [left, right], t => new StreamingJoinOperator(name, spec(), t.Node.InputCount), outputTypes: j.Types);
    }

    /// <summary>
    /// The join's state retention by watermark (see <see cref="JoinRetention"/>), where it applies: in streaming mode, without
    /// a TTL (the sides of an inner join keep their rows in memory, in lists), with the aligned side made by one
    /// subtask, so that each subtask of the join reads it over one channel, whose watermark no idle channel can have held back.
    /// </summary>
    private JoinRetention? Retention(JoinNode j, int leftProducer, int rightProducer)
    {
        if (session.BatchMode || StateTtlMillis > 0 || JoinRetention.Of(j, session.Context) is not { } retention)
            return null;
        return _nodes[retention.DropLeft ? rightProducer : leftProducer].Parallelism == 1 ? retention : null;
    }

    /// <summary>What a join operator computes, made in each subtask (each compiles its own residual program).</summary>
    private Func<JoinOperatorSpec> OperatorSpec(JoinNode j, long ttlMillis, bool batchMode, JoinInputSide? leftSide = null, JoinInputSide? rightSide = null, JoinRetention? retention = null)
    {
        var leftTypes = j.Left.Types;
        var rightTypes = j.Right.Types;
        var outputTypes = j.Types;
        var context = session.Context;
        var residual = j.Residual;
        return () => new JoinOperatorSpec(j.LeftOuter, j.RightOuter, KeysOf(j.LeftKeys, leftTypes), KeysOf(j.RightKeys, rightTypes), leftTypes, rightTypes, outputTypes,
            Residual(residual, leftTypes, rightTypes, context), ttlMillis, batchMode, j.NullSafe, leftSide?.UniqueKey, rightSide?.UniqueKey, retention);
    }

    /// <summary>The two inputs' edges: hashed by the join keys, or gathered into one subtask when there are none.</summary>
    private (PhysicalInput Left, PhysicalInput Right, int Parallelism) JoinInputs(JoinNode j)
    {
        var left = Translate(j.Left);
        var right = Translate(j.Right);
        if (j.LeftKeys.Count == 0)
            return (Gathered(left), Gathered(right), 1);
        return (Hash(left, j.LeftKeys, Parallel, j.Left.Types), Hash(right, j.RightKeys, Parallel, j.Right.Types), Parallel);
    }

    /// <summary>
    /// An interval join (Flink's IntervalJoin): like a regular join's, but its rows wait in state only
    /// while they can match, and its output is insert-only. Shown as Flink shows it, with the window
    /// bounds of the left time relative to the right one.
    /// </summary>
    private int IntervalJoin(JoinNode j)
    {
        var bounds = j.Interval!;
        var (left, right, parallelism) = JoinInputs(j);
        var spec = OperatorSpec(j, 0, false);
        var names = UniqueNames(j.Fields);
        var windowBounds = $"isRowTime={(!bounds.ProcTime).ToString().ToLowerInvariant()}, leftLowerBound={bounds.LeftLowerBound}, leftUpperBound={bounds.LeftUpperBound}, leftTimeIndex={bounds.LeftTimeIndex}, rightTimeIndex={bounds.RightTimeIndex}";
        var name = $"IntervalJoin(joinType=[{JoinTypeName(j.Type)}], windowBounds=[{windowBounds}], where=[{JoinCondition(j, session.Context)}], select=[{string.Join(", ", names)}])";
        return Add(name, "IntervalJoin", parallelism, [left, right],
            t => new IntervalJoinOperator(name, new IntervalJoinSpec(spec(), bounds.LeftTimeIndex, bounds.RightTimeIndex, bounds.LeftLowerBound, bounds.LeftUpperBound, bounds.ProcTime), t.Node.InputCount),
            outputTypes: j.Types);
    }

    private PhysicalInput Gathered(int producer) => new(producer, _nodes[producer].Parallelism == 1 ? Partitioning.Forward : Partitioning.Rebalance);

    private static RowKeys KeysOf(IReadOnlyList<int> columns, IReadOnlyList<SqlType> types) => new(columns, columns.Select(c => types[c]).ToArray());

    /// <summary>The residual condition compiled over a joined row: one BOOLEAN NOT NULL column, whether it IS TRUE.</summary>
    private static CalcProgram? Residual(BoundExpr? residual, IReadOnlyList<SqlType> leftTypes, IReadOnlyList<SqlType> rightTypes, SqlContext context) =>
        residual is null ? null : CalcProgram.Compile([.. leftTypes, .. rightTypes], null, [new CallExpr("IS TRUE", [residual], SqlType.Boolean.NotNull)], context);

    /// <summary>table.exec.state.ttl in milliseconds (0: state is kept forever).</summary>
    private long StateTtlMillis =>
        session.Configuration.TryGetValue(StateTtlKey, out var text)
            ? Engine.Settings.Durations.ToMillis(Engine.Settings.Durations.Parse(text, StateTtlKey))
            : 0;

    private static string JoinTypeName(JoinType type) => type switch
    {
        JoinType.Left => "LeftOuterJoin",
        JoinType.Right => "RightOuterJoin",
        JoinType.Full => "FullOuterJoin",
        _ => "InnerJoin",
    };

    /// <summary>A join's whole condition as Flink's plans show it: the key equalities, then the residual, over the joined row's unique names.</summary>
    internal static string JoinCondition(JoinNode j, SqlContext context)
    {
        var names = UniqueNames(j.Fields);
        var fields = j.Fields.Select((f, i) => f with { Name = names[i] }).ToArray();
        var width = j.Left.Fields.Count;
        var parts = j.LeftKeys.Select((l, i) => $"({names[l]} {(j.IsNullSafe(i) ? "IS NOT DISTINCT FROM" : "=")} {names[width + j.RightKeys[i]]})").ToList();
        if (j.Residual is not null)
            parts.Add(ExpressionText.Of(j.Residual, fields, context));
        return parts.Count == 0 ? "true" : string.Join(" AND ", parts);
    }

    /// <summary>Column names made unique as Calcite makes them (a, a0, a1 ...).</summary>
    private static string[] UniqueNames(IReadOnlyList<PlanField> fields)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        return fields.Select(f =>
        {
            var unique = f.Name;
            for (var n = 0; !used.Add(unique); n++)
                unique = f.Name + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return unique;
        }).ToArray();
    }
}
