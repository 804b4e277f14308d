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
/// A Calc that calls Python functions is split into native Calcs around Python operators: the
/// expected plans are written out by hand over a table t (x BIGINT, y BIGINT) and a function
/// f: BIGINT -> BIGINT.
/// </summary>
public sealed class PythonCalcSplitTests
{
    private static readonly SqlType Long = SqlType.BigInt;

    [Fact]
    public void A_call_on_a_column_needs_no_calc_before_the_python_operator()
    {
        var (calc, scan) = Bound("SELECT f(x) + 1, y FROM t");

        var split = Assert.IsType<CalcNode>(PythonCalcSplit.Split(calc));
        var python = Assert.IsType<PythonCalcNode>(split.Input);
        Assert.Same(scan, python.Input);
        Assert.Equal([F(Ref(0))], python.Calls);
        Assert.Equal(["x", "y", "f$0_0"], python.Fields.Select(field => field.Name));
        Assert.Null(split.Condition);
        Assert.Equal(Ref(2), Operand(split.Projections[0], 0));
        Assert.Equal(Ref(1), split.Projections[1]);
    }

    [Fact]
    public void Conditions_without_python_filter_before_the_calls_and_the_others_after()
    {
        // WHERE binds to a Calc of its own under the SELECT's (the physical planner fuses the two first).
        var where = Assert.IsType<CalcNode>(Bound("SELECT x FROM t WHERE y > 1 AND f(x) > 2").Calc.Input);
        var scan = where.Input;

        var split = Assert.IsType<CalcNode>(PythonCalcSplit.Split(where));
        var python = Assert.IsType<PythonCalcNode>(split.Input);
        var before = Assert.IsType<CalcNode>(python.Input);
        Assert.Same(scan, before.Input);
        var filter = Assert.IsType<CallExpr>(before.Condition);
        Assert.Equal(">", filter.Function);
        Assert.Equal(Ref(1), filter.Operands[0]);
        Assert.Equal([Ref(0), Ref(1)], before.Projections);

        var after = Assert.IsType<CallExpr>(split.Condition);
        Assert.Equal(">", after.Function);
        Assert.Equal(Ref(2), after.Operands[0]);
        Assert.Equal([Ref(0), Ref(1)], split.Projections);
    }

    [Fact]
    public void A_call_in_another_calls_argument_takes_a_second_stage_with_its_argument_computed()
    {
        var (calc, _) = Bound("SELECT f(f(x) + 1) FROM t");

        var split = Assert.IsType<CalcNode>(PythonCalcSplit.Split(calc));
        var outer = Assert.IsType<PythonCalcNode>(split.Input);
        var argument = Assert.IsType<CalcNode>(outer.Input);
        var inner = Assert.IsType<PythonCalcNode>(argument.Input);
        Assert.Equal([F(Ref(0))], inner.Calls);
        // x, y, f(x), then f(x) + 1 computed natively as column 3 for the outer call.
        Assert.Equal(4, argument.Projections.Count);
        Assert.Equal(Ref(2), Operand(argument.Projections[3], 0));
        Assert.Equal([F(Ref(3))], outer.Calls);
        Assert.Equal([Ref(4)], split.Projections);
    }

    [Fact]
    public void The_same_call_twice_is_evaluated_once()
    {
        var (calc, _) = Bound("SELECT f(x), f(x) * 2 FROM t");

        var split = Assert.IsType<CalcNode>(PythonCalcSplit.Split(calc));
        var python = Assert.IsType<PythonCalcNode>(split.Input);
        Assert.Single(python.Calls);
        Assert.Equal(Ref(2), split.Projections[0]);
        Assert.Equal(Ref(2), Operand(split.Projections[1], 0));
    }

    [Fact]
    public void The_physical_plan_chains_a_python_operator_between_native_calcs()
    {
        var session = Session();
        var root = session.Binder().Bind(SqlParser.ParseQuery("SELECT x + f(x * 3) FROM t WHERE y > 1"));

        var plan = new PhysicalPlanner(session).Plan(root, (_, input) => input);

        Assert.Equal(["Source", "Calc", "PythonCalc", "Calc"], plan.Nodes.Select(n => n.Kind == "Calc" || n.Kind == "PythonCalc" ? n.Kind : "Source"));
        Assert.Equal("PythonCalc(select=[f($arg0_0)])", plan.Nodes[2].Name);
        Assert.All(plan.Nodes.Skip(1), n => Assert.Equal(Engine.Spec.Partitioning.Auto, n.Inputs[0].Partitioning));
    }

    [Fact]
    public void A_function_object_is_registered_with_its_types_checked()
    {
        var ok = SqlService.Execute(new SqlRequest { RegisterFunction = Function("g", "STRING NOT NULL") });
        Assert.Equal("CREATE TEMPORARY FUNCTION g AS 'm.g' LANGUAGE PYTHON", ok.CatalogEntry.Sql);
        Assert.Equal("g", ok.CatalogEntry.PythonFunction.Name);

        var refused = Assert.Throws<SqlValidationException>(() => SqlService.Execute(new SqlRequest { RegisterFunction = Function("h", "MAP<INT, INT>") }));
        Assert.Equal("SQL validation error: Function 'h': its result type MAP<INT, INT> is not supported for Python functions yet", refused.Message);
    }

    [Fact]
    public void An_untyped_null_argument_is_refused_by_name()
    {
        var session = Session();
        var error = Assert.Throws<SqlValidationException>(() => session.Binder().Bind(SqlParser.ParseQuery("SELECT g(NULL) FROM t")));
        Assert.Contains("argument 1 of g is an untyped NULL", error.Message, StringComparison.Ordinal);
    }

    private static PythonCallExpr F(BoundExpr argument) => new("f", [argument], Long);

    private static InputRef Ref(int index) => new(index, Long);

    private static BoundExpr Operand(BoundExpr call, int index) => Assert.IsType<CallExpr>(call).Operands[index];

    private static (CalcNode Calc, PlanNode Scan) Bound(string query)
    {
        var calc = Assert.IsType<CalcNode>(Session().Binder().Bind(SqlParser.ParseQuery(query)));
        return (calc, calc.Input);
    }

    private static PythonFunction Function(string name, string resultType, params string[] inputTypes)
    {
        var function = new PythonFunction { Name = name, QualifiedName = $"m.{name}", Function = ByteString.CopyFrom(1, 2, 3), ResultType = resultType, Kind = "scalar", Temporary = true };
        function.InputTypes.AddRange(inputTypes);
        return function;
    }

    private static SqlSession Session()
    {
        var request = new SqlRequest();
        request.Catalog.Add(new CatalogEntry { Sql = "CREATE TABLE t (x BIGINT, y BIGINT) WITH ('connector' = 'datagen')" });
        foreach (var function in new[] { Function("f", "BIGINT", "BIGINT"), Function("g", "BIGINT") })
            request.Catalog.Add(new CatalogEntry { Sql = $"CREATE TEMPORARY FUNCTION {function.Name} AS '{function.QualifiedName}' LANGUAGE PYTHON", PythonFunction = function });
        return new SqlSession(request);
    }
}
