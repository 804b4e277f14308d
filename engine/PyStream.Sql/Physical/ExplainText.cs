using System.Text;
using PyStream.Sql.Ast;
using PyStream.Sql.Expressions;
using PyStream.Sql.Planning;

namespace PyStream.Sql.Physical;

/// <summary>EXPLAIN: the logical plan as a tree (Flink's "Abstract Syntax Tree" section) and the operators chosen for it.</summary>
internal static class ExplainText
{
    public static string Of(SqlSession session, SqlStatement statement)
    {
        var root = statement switch
        {
            QueryStatement q => session.Binder().Bind(q.Query),
            InsertStatement i => session.Binder().Bind(i.Source),
            _ => throw new SqlValidationException("EXPLAIN takes a query or an INSERT", statement.Position),
        };
        var text = new StringBuilder("== Abstract Syntax Tree ==\n");
        Tree(root, 0, text, session.Context);
        text.Append("\n== Optimized Execution Plan ==\n");
        var plan = new PhysicalPlanner(session).Plan(root, (_, input) => input);
        foreach (var node in plan.Nodes)
        {
            var inputs = node.Inputs.Count == 0 ? "" : $" <- {string.Join(", ", node.Inputs.Select(i => i.Describe()))}";
            text.Append($"#{node.Index + 1} {node.Name} (parallelism {node.Parallelism}){inputs}\n");
        }

        return text.ToString().TrimEnd('\n');
    }

    private static void Tree(PlanNode node, int depth, StringBuilder text, SqlContext context)
    {
        text.Append(new string(' ', depth * 2));
        text.Append(node switch
        {
            ScanNode s => $"LogicalTableScan(table=[[default_catalog, default_database, {s.Table.Name}]])",
            ValuesNode v => $"LogicalValues(tuples=[{v.Rows.Count} rows])",
            CalcNode c => ExpressionText.Calc(c, context, "LogicalCalc"),
            WatermarkNode w => $"LogicalWatermarkAssigner(rowtime=[{w.Fields[w.RowtimeIndex].Name}])",
            AggregateNode a => $"LogicalAggregate(group=[{PhysicalPlanner.Names(a.Output.Take(a.GroupKeys.Count))}], aggs=[{string.Join(", ", a.Aggregates.Select(c => c.Function))}])",
            WindowAggregateNode w => $"LogicalWindowAggregate(window=[{w.Window.Kind.ToString().ToUpperInvariant()}], group=[{PhysicalPlanner.Names(w.Output.Take(w.GroupKeys.Count))}], aggs=[{string.Join(", ", w.Aggregates.Select(c => c.Function))}])",
            OverAggregateNode o => $"LogicalOverAggregate(partition=[{string.Join(", ", o.PartitionKeys.Select(k => o.Input.Fields[k].Name))}], order=[{o.Input.Fields[o.OrderIndex].Name}], window=[{o.Frame}], aggs=[{string.Join(", ", o.Aggregates.Select(c => c.Function))}])",
            RankNode r => $"LogicalRank(rankType=[ROW_NUMBER], rankRange=[rankStart={r.RankStart}, rankEnd={r.RankEnd?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}], partitionBy=[{string.Join(", ", r.PartitionKeys.Select(k => r.Input.Fields[k].Name))}], orderBy=[{string.Join(", ", r.OrderKeys.Select(k => r.Input.Fields[k.Column].Name + (k.Descending ? " DESC" : " ASC")))}], select=[{PhysicalPlanner.Names(r.Output)}])",
            WindowTableNode w => $"LogicalTableFunctionScan(window=[{w.Window.Kind.ToString().ToUpperInvariant()}])",
            CorrelateNode c => $"LogicalCorrelate(invocation=[{c.Call.Function}({string.Join(", ", c.Call.Operands.Select(o => o is InputRef r ? c.Input.Fields[r.Index].Name : "..."))})], joinType=[{(c.Outer ? "left" : "inner")}])",
            JoinNode j => $"LogicalJoin(condition=[{PhysicalPlanner.JoinCondition(j, context)}], joinType=[{j.Type.ToString().ToLowerInvariant()}])",
            WindowJoinNode w => $"LogicalJoin(condition=[{PhysicalPlanner.JoinCondition(w.Join, context)}], joinType=[{w.Join.Type.ToString().ToLowerInvariant()}], window=[{w.Window.Kind.ToString().ToUpperInvariant()}])",
            TemporalJoinNode t => $"LogicalJoin(condition=[{PhysicalPlanner.JoinCondition(t.Join, context)}], joinType=[{t.Join.Type.ToString().ToLowerInvariant()}], temporal=[FOR SYSTEM_TIME AS OF {t.Join.Left.Fields[t.LeftTime].Name}])",
            MatchNode m => $"LogicalMatch(partition=[{string.Join(", ", m.Spec.PartitionKeys.Select(k => m.Input.Fields[k].Name))}], order=[{m.Input.Fields[m.Spec.OrderIndex].Name}], pattern=[{m.Spec.Explain.Pattern}])",
            UnionNode => "LogicalUnion(all=[true])",
            SortNode s => $"LogicalSort(keys=[{s.Keys.Count}], fetch=[{s.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}])",
            _ => node.GetType().Name,
        });
        text.Append('\n');
        foreach (var input in node.Inputs)
            Tree(input, depth + 1, text, context);
    }
}
