using Google.Protobuf;
using PyStream.Sql.Expressions;
using PyStream.Sql.Parsing;
using PyStream.Sql.Physical;
using PyStream.Sql.Planning;
using PyStream.Sql.Protocol;
using PyStream.Sql.Service;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Planning;

/// <summary>
/// Python table functions (LATERAL TABLE) bind to a correlate and Python aggregate functions to
/// a Python group aggregate: plans written out by hand over a table t (x BIGINT, s STRING), a
/// table function split: STRING -> (f0 STRING, f1 INT) and an aggregate function total: BIGINT -> BIGINT.
/// </summary>
public sealed class PythonTableAndAggregateFunctionTests
{
    [Fact]
    public void A_lateral_table_joins_each_row_with_the_functions_columns()
    {
        var calc = Assert.IsType<CalcNode>(Bind("SELECT x, w, n FROM t, LATERAL TABLE(split(s)) AS T(w, n)"));

        var correlate = Assert.IsType<CorrelateNode>(calc.Input);
        Assert.False(correlate.Outer);
        Assert.Equal("split", correlate.Call.Function);
        Assert.Equal([new InputRef(1, SqlType.String)], correlate.Call.Operands);
        Assert.Equal(["x", "s", "w", "n"], correlate.Fields.Select(f => f.Name));
        Assert.Equal([null, null, "T", "T"], correlate.Fields.Select(f => f.Qualifier == "t" ? null : f.Qualifier));
        Assert.Equal([SqlType.BigInt, SqlType.String, SqlType.String, SqlType.Int], correlate.Types);
    }

    [Fact]
    public void A_left_join_lateral_on_true_is_outer_and_makes_the_functions_columns_nullable()
    {
        var correlate = Assert.IsType<CorrelateNode>(Assert.IsType<CalcNode>(Bind("SELECT * FROM t LEFT JOIN LATERAL TABLE(split(s)) AS T(w, n) ON TRUE")).Input);

        Assert.True(correlate.Outer);
        Assert.True(correlate.Fields[3].Type.Nullable);
    }

    [Fact]
    public void An_argument_that_is_not_a_column_is_computed_before_and_dropped_after()
    {
        var calc = Assert.IsType<CalcNode>(Bind("SELECT * FROM t, LATERAL TABLE(split(UPPER(s)))"));

        var dropped = Assert.IsType<CalcNode>(calc.Input);
        var correlate = Assert.IsType<CorrelateNode>(dropped.Input);
        var computed = Assert.IsType<CalcNode>(correlate.Input);
        Assert.Equal("UPPER", Assert.IsType<CallExpr>(computed.Projections[2]).Function);
        Assert.Equal([new InputRef(2, SqlType.String)], correlate.Call.Operands);
        // x, s, f0, f1: the computed argument (column 2 of the correlate) is left out.
        Assert.Equal([0, 1, 3, 4], dropped.Projections.Select(p => Assert.IsType<InputRef>(p).Index));
        Assert.Equal(["x", "s", "f0", "f1"], calc.Fields.Select(f => f.Name));
    }

    [Fact]
    public void Where_on_the_left_sides_columns_filters_before_the_function_and_the_rest_after()
    {
        var calc = Assert.IsType<CalcNode>(Bind("SELECT x FROM t, LATERAL TABLE(split(s)) AS T(w, n) WHERE x > 1 AND n > 2"));

        var after = Assert.IsType<CalcNode>(calc.Input);
        Assert.Equal(new InputRef(3, SqlType.Int), Assert.IsType<CallExpr>(after.Condition).Operands[0]);
        var correlate = Assert.IsType<CorrelateNode>(after.Input);
        var before = Assert.IsType<CalcNode>(correlate.Input);
        Assert.Equal(new InputRef(0, SqlType.BigInt), Assert.IsType<CallExpr>(before.Condition).Operands[0]);
    }

    [Fact]
    public void The_physical_plan_chains_a_python_correlate_after_its_input()
    {
        var session = Session();
        var plan = new PhysicalPlanner(session).Plan(session.Binder().Bind(SqlParser.ParseQuery("SELECT x, w FROM t LEFT JOIN LATERAL TABLE(split(s)) AS T(w, n) ON TRUE")), (_, input) => input);

        var correlate = Assert.Single(plan.Nodes, n => n.Kind == "PythonCorrelate");
        Assert.Equal("PythonCorrelate(invocation=[split(s)], select=[x, s, w, n], joinType=[LEFT])", correlate.Name);
        Assert.Equal(Engine.Spec.Partitioning.Auto, correlate.Inputs[0].Partitioning);
        Assert.Contains("LogicalCorrelate(invocation=[split(s)], joinType=[left])", ExplainText.Of(session, SqlParser.ParseStatement("SELECT x, w FROM t LEFT JOIN LATERAL TABLE(split(s)) AS T(w, n) ON TRUE")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_python_aggregate_is_a_python_group_aggregate_hashed_by_its_keys()
    {
        var session = Session();
        var root = session.Binder().Bind(SqlParser.ParseQuery("SELECT s, total(x + 1) FROM t GROUP BY s"));
        var aggregate = Assert.IsType<AggregateNode>(Assert.IsType<CalcNode>(root).Input);
        var call = Assert.Single(aggregate.Aggregates);
        Assert.True(call.Python);
        Assert.Equal("total", call.Function);
        Assert.Equal([1], call.Args);

        var plan = new PhysicalPlanner(session).Plan(root, (_, input) => input);
        var node = Assert.Single(plan.Nodes, n => n.Kind == "PythonGroupAggregate");
        Assert.Equal("PythonGroupAggregate(groupBy=[s], select=[s, EXPR$0])", node.Name);
        Assert.Equal(Engine.Spec.Partitioning.Hash, node.Inputs[0].Partitioning);
    }

    [Theory]
    [InlineData("SELECT split(s) FROM t", "Function 'split' is a table function: call it in FROM, as LATERAL TABLE(split(...))")]
    [InlineData("SELECT * FROM t, LATERAL TABLE(total(x))", "Function 'total' is not a table function")]
    [InlineData("SELECT * FROM t JOIN LATERAL TABLE(split(s)) AS T(w, n) ON x > 1", "A join with LATERAL TABLE takes the condition ON TRUE")]
    [InlineData("SELECT * FROM t, LATERAL TABLE(split(s)) AS T(w)", "the table function split has 2 columns, whereas alias list has 1 columns")]
    [InlineData("SELECT total(x), COUNT(*) FROM t", "Python aggregate functions together with built-in aggregate functions")]
    [InlineData("SELECT total(DISTINCT x) FROM t", "DISTINCT and FILTER on the Python aggregate function total")]
    [InlineData("SELECT x FROM t WHERE total(x) > 1", "aggregate function total is not allowed here")]
    public void Misuses_are_refused_by_name(string query, string message)
    {
        var error = Assert.Throws<SqlValidationException>(() => Bind(query));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_functions_result_must_be_a_row_of_supported_types()
    {
        var error = Assert.Throws<SqlValidationException>(() => SqlService.Execute(new SqlRequest { RegisterFunction = Function("bad", "table", "ROW<f0 MAP<INT, INT>>") }));
        Assert.Equal("SQL validation error: Function 'bad': its result column f0 is MAP<INT, INT>, which is not supported for Python functions yet", error.Message);
    }

    private static PlanNode Bind(string query) => Session().Binder().Bind(SqlParser.ParseQuery(query));

    private static PythonFunction Function(string name, string kind, string resultType, params string[] inputTypes)
    {
        var function = new PythonFunction { Name = name, QualifiedName = $"m.{name}", Function = ByteString.CopyFrom(1, 2, 3), ResultType = resultType, Kind = kind, Temporary = true };
        function.InputTypes.AddRange(inputTypes);
        return function;
    }

    private static SqlSession Session()
    {
        var request = new SqlRequest();
        request.Catalog.Add(new CatalogEntry { Sql = "CREATE TABLE t (x BIGINT, s STRING) WITH ('connector' = 'datagen')" });
        foreach (var function in new[] { Function("split", "table", "ROW<f0 STRING, f1 INT>", "STRING"), Function("total", "aggregate", "BIGINT", "BIGINT") })
            request.Catalog.Add(new CatalogEntry { Sql = $"CREATE TEMPORARY FUNCTION {function.Name} AS '{function.QualifiedName}' LANGUAGE PYTHON", PythonFunction = function });
        return new SqlSession(request);
    }
}
