using PyStream.Sql.Ast;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

// FROM l [LEFT] JOIN versioned FOR SYSTEM_TIME AS OF l.rowtime [AS r] ON ...: an event-time temporal join.
internal sealed partial class QueryBinder
{
    /// <summary>
    /// A temporal join, checked as Flink's TemporalJoinUtil and rules check it (their messages):
    /// AS OF names a time attribute of the left; processing time is refused (only lookup tables
    /// can do it, and there are none here); the right is a versioned table (a primary key and a
    /// rowtime, of the left's rowtime type); the join has equal keys, among them the whole primary
    /// key. The left's time attributes stay, the right's are materialized.
    /// </summary>
    private PlanNode TemporalJoin(JoinRef j)
    {
        var versioned = (NamedTableRef)j.Right;
        var left = From(j.Left);
        var right = Aliased(Named(versioned.Name, versioned), versioned.Alias, versioned.Name[^1]);
        CheckRelationNames(left, right, j);

        var asOf = new ExpressionBinder(new Scope(left.Fields), functions: catalog).Bind(versioned.SystemTimeAsOf!);
        if (asOf is not InputRef { Type.IsTimeAttribute: true } leftTime)
            throw new SqlValidationException("Temporal table join currently only supports 'FOR SYSTEM_TIME AS OF' left table's time attribute field", versioned.SystemTimeAsOf!.Position);
        if (leftTime.Type.TimeAttribute == TimeAttribute.Proctime)
            throw new SqlTableException("Processing-time temporal join is not supported yet.");
        var type = j.Kind switch
        {
            JoinKind.Inner => JoinType.Inner,
            JoinKind.Left => JoinType.Left,
            _ => throw new SqlValidationException($"A temporal join is an INNER or LEFT join, not a {j.Kind.ToString().ToUpperInvariant()} JOIN", j.Position),
        };
        if (j.On is null)
            throw new SqlValidationException("A temporal join takes its condition in ON (equal keys, among them the versioned table's primary key)", j.Position);

        var primaryKey = VersionedTables.PrimaryKey(right)
            ?? throw new SqlValidationException($"Temporal Table Join requires primary key in versioned table, but no primary key can be found. The versioned table is {string.Join('.', versioned.Name)}", versioned.Position);
        var rightTime = VersionedTables.Rowtime(right);
        if (rightTime < 0)
            throw new SqlValidationException("Event-Time Temporal Table Join requires both primary key and row time attribute in versioned table, but no row time attribute can be found.", versioned.Position);
        if (right.Fields[rightTime].Type.Kind != leftTime.Type.Kind)
            throw new SqlValidationException($"Event-Time Temporal Table Join requires same rowtime type in left table and versioned table, but the rowtime types are {leftTime.Type} and {right.Fields[rightTime].Type}.", versioned.Position);

        var binder = new ExpressionBinder(new Scope([.. left.Fields, .. right.Fields]), functions: catalog);
        var joined = MakeJoin(left, right, type, Condition(binder, j.On, "ON"), j);
        var join = joined as JoinNode ?? (JoinNode)((CalcNode)joined).Input;
        if (join.LeftKeys.Count == 0)
            throw new SqlValidationException("Currently the join key in Temporal Table Join can not be empty.", j.On.Position);
        if (primaryKey.Any(k => !join.RightKeys.Contains(k)))
        {
            var pairs = join.LeftKeys.Select((l, i) => $"{join.Left.Fields[l].Name}={join.Right.Fields[join.RightKeys[i]].Name}");
            throw new SqlValidationException(
                $"Temporal table's primary key [{string.Join(",", primaryKey.Select(k => right.Fields[k].Name))}] must be included in the equivalence condition of temporal join, but current temporal join condition is [{string.Join(", ", pairs)}].",
                j.On.Position);
        }

        // Not an interval join, whatever the residual says of times; the left's time attributes stay.
        var fields = join.Fields.Select((f, i) => i < join.Left.Fields.Count ? f with { Type = join.Left.Fields[i].Type } : f).ToArray();
        var temporal = new TemporalJoinNode(new JoinNode(join.Left, join.Right, type, join.LeftKeys, join.RightKeys, join.Residual, fields, NullSafe: join.NullSafe), leftTime.Index, rightTime);
        return joined is CalcNode c
            ? new CalcNode(temporal, null, c.Projections.Select(p => p is InputRef r ? r with { Type = fields[r.Index].Type } : p).ToArray(),
                c.Output.Select(f => fields.FirstOrDefault(x => x.Name == f.Name && x.Qualifier == f.Qualifier) ?? f).ToArray())
            : temporal;
    }
}
