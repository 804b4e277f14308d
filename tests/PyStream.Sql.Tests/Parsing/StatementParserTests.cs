using PyStream.Sql.Ast;
using PyStream.Sql.Parsing;
using static PyStream.Sql.Tests.Parsing.AstBuilders;

namespace PyStream.Sql.Tests.Parsing;

public class StatementParserTests
{
    private static SqlStatement Parse(string sql) => SqlParser.ParseStatement(sql);

    [Fact]
    public void The_seed_create_table_of_issue_14()
    {
        var statement = Parse("""
            CREATE TABLE source_table (user_id STRING, event_time TIMESTAMP(3), action STRING)
            WITH ('connector' = 'kafka', 'topic' = 'user_events',
                  'properties.bootstrap.servers' = 'localhost:9092')
            """);
        Assert.Equal(
            new CreateTableStatement(
                ["source_table"], Temporary: false, IfNotExists: false,
                [
                    new PhysicalColumn("user_id", Type(SqlTypeName.String)),
                    new PhysicalColumn("event_time", Type(SqlTypeName.Timestamp, 3)),
                    new PhysicalColumn("action", Type(SqlTypeName.String)),
                ],
                Watermark: null, PrimaryKey: null, Comment: null, PartitionedBy: [],
                [new SqlOption("connector", "kafka"), new SqlOption("topic", "user_events"), new SqlOption("properties.bootstrap.servers", "localhost:9092")]),
            statement);
    }

    [Fact]
    public void Create_table_with_every_kind_of_column_and_clause()
    {
        var statement = (CreateTableStatement)Parse("""
            CREATE TEMPORARY TABLE IF NOT EXISTS cat.db.orders (
              id BIGINT NOT NULL COMMENT 'order id',
              price DECIMAL(10, 2),
              cost AS price * 2 COMMENT 'computed',
              ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
              `offset` BIGINT METADATA VIRTUAL,
              part STRING,
              WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
              CONSTRAINT pk PRIMARY KEY (id) NOT ENFORCED
            ) COMMENT 'orders' PARTITIONED BY (part) WITH ('connector' = 'filesystem')
            """);
        Assert.Equal(["cat", "db", "orders"], statement.Name);
        Assert.True(statement.Temporary);
        Assert.True(statement.IfNotExists);
        Assert.Equal(
            [
                new PhysicalColumn("id", Type(SqlTypeName.BigInt) with { NotNull = true }, "order id"),
                new PhysicalColumn("price", Type(SqlTypeName.Decimal, 10, 2)),
                new ComputedColumn("cost", Times(Id("price"), Int(2)), "computed"),
                new MetadataColumn("ts", Type(SqlTypeName.TimestampLtz, 3), "timestamp", Virtual: true),
                new MetadataColumn("offset", Type(SqlTypeName.BigInt), null, Virtual: true),
                new PhysicalColumn("part", Type(SqlTypeName.String)),
            ],
            statement.Columns);
        Assert.Equal(
            new WatermarkSpec(["ts"], Bin(BinaryOperator.Minus, Id("ts"), new IntervalLiteral("5", false, new IntervalQualifier(TimeUnit.Second)))),
            statement.Watermark);
        Assert.Equal(new PrimaryKeySpec("pk", ["id"]), statement.PrimaryKey);
        Assert.Equal("orders", statement.Comment);
        Assert.Equal(["part"], statement.PartitionedBy);
        Assert.Equal([new SqlOption("connector", "filesystem")], statement.Options);
    }

    [Fact]
    public void Column_level_primary_key_becomes_the_table_key()
    {
        var statement = (CreateTableStatement)Parse("CREATE TABLE t (id INT PRIMARY KEY NOT ENFORCED, v STRING) WITH ('connector' = 'upsert-kafka')");
        Assert.Equal(new PrimaryKeySpec(null, ["id"]), statement.PrimaryKey);
    }

    [Fact]
    public void Create_table_like()
    {
        var statement = (CreateTableStatement)Parse("CREATE TABLE t2 WITH ('topic' = 'x') LIKE t1 (EXCLUDING ALL INCLUDING GENERATED OVERWRITING OPTIONS)");
        Assert.Empty(statement.Columns);
        Assert.Equal(
            new LikeClause(["t1"], [
                new LikeOption(LikeOptionAction.Excluding, LikeOptionScope.All),
                new LikeOption(LikeOptionAction.Including, LikeOptionScope.Generated),
                new LikeOption(LikeOptionAction.Overwriting, LikeOptionScope.Options),
            ]),
            statement.Like);
    }

    [Fact]
    public void Views_functions_and_drops()
    {
        Assert.Equal(
            new CreateViewStatement(["v"], true, false, ["a", "b"], null, Select([Item(Id("x")), Item(Id("y"))], [Table("t")])),
            Parse("CREATE TEMPORARY VIEW v (a, b) AS SELECT x, y FROM t"));
        Assert.Equal(
            new CreateFunctionStatement(["f"], true, true, false, "my_module.my_fn", FunctionLanguage.Python),
            Parse("CREATE TEMPORARY SYSTEM FUNCTION f AS 'my_module.my_fn' LANGUAGE PYTHON"));
        Assert.Equal(
            new CreateFunctionStatement(["f"], false, false, true, "com.x.F", null),
            Parse("CREATE FUNCTION IF NOT EXISTS f AS 'com.x.F'"));
        Assert.Equal(new DropStatement(ObjectKind.Table, ["t"], true, false, false), Parse("DROP TABLE IF EXISTS t"));
        Assert.Equal(new DropStatement(ObjectKind.View, ["db", "v"], false, true, false), Parse("DROP TEMPORARY VIEW db.v"));
    }

    [Fact]
    public void Show_describe_explain_set_reset_use()
    {
        Assert.Equal(new ShowStatement(ShowKind.Tables), Parse("SHOW TABLES"));
        Assert.Equal(new ShowStatement(ShowKind.Views), Parse("show views;"));
        Assert.Equal(new ShowStatement(ShowKind.Functions), Parse("SHOW FUNCTIONS"));
        Assert.Equal(new DescribeStatement(["t"]), Parse("DESC t"));
        Assert.Equal(new DescribeStatement(["c", "d", "t"]), Parse("DESCRIBE c.d.t"));
        Assert.Equal(new ExplainStatement(new QueryStatement(Select([Item(Int(1))], [])), []), Parse("EXPLAIN PLAN FOR SELECT 1"));
        Assert.Equal(new ExplainStatement(new QueryStatement(Select([Item(Int(1))], [])), ["CHANGELOG_MODE", "ESTIMATED_COST"]), Parse("EXPLAIN changelog_mode, ESTIMATED_COST SELECT 1"));
        var set = new StatementSetStatement([new InsertStatement(["s"], false, [], Select([Item(Int(1))], []))]);
        Assert.Equal(new ExplainStatement(set, []), Parse("EXPLAIN STATEMENT SET BEGIN INSERT INTO s SELECT 1; END"));
        Assert.Equal(new ExplainStatement(set, []), Parse("EXPLAIN EXECUTE STATEMENT SET BEGIN INSERT INTO s SELECT 1; END"));
        Assert.Equal(new SetStatement("table.local-time-zone", "UTC"), Parse("SET 'table.local-time-zone' = 'UTC'"));
        Assert.Equal(new SetStatement(null, null), Parse("SET"));
        Assert.Equal(new ResetStatement("parallelism.default"), Parse("RESET 'parallelism.default'"));
        Assert.Equal(new ResetStatement(null), Parse("RESET"));
        Assert.Equal(new UseStatement(true, ["c"]), Parse("USE CATALOG c"));
    }

    [Fact]
    public void Inserts_and_statement_sets()
    {
        var insertValues = new InsertStatement(["sink"], false, ["a", "b"], new ValuesQuery([[Int(1), Str("x")]]));
        Assert.Equal(insertValues, Parse("INSERT INTO sink (a, b) VALUES (1, 'x')"));
        var insertSelect = new InsertStatement(["sink"], true, [], Select([new SelectItem(new StarExpr([]))], [Table("src")]));
        Assert.Equal(insertSelect, Parse("INSERT OVERWRITE sink SELECT * FROM src"));
        Assert.Equal(
            new StatementSetStatement([insertValues, insertSelect]),
            Parse("EXECUTE STATEMENT SET BEGIN INSERT INTO sink (a, b) VALUES (1, 'x'); INSERT OVERWRITE sink SELECT * FROM src; END"));
    }

    [Fact]
    public void Elements_of_a_create_table_keep_their_positions()
    {
        var statement = (CreateTableStatement)Parse("CREATE TABLE t (\n  a INT,\n  b AS a + 1,\n  WATERMARK FOR a AS a\n) WITH ('k' = 'v')");
        Assert.Equal(new SourcePosition(1, 1), statement.Position);
        Assert.Equal([new SourcePosition(2, 3), new SourcePosition(3, 3)], statement.Columns.Select(c => c.Position));
        Assert.Equal(new SourcePosition(3, 8), ((ComputedColumn)statement.Columns[1]).Expr.Position);
        Assert.Equal(new SourcePosition(4, 3), statement.Watermark!.Position);
        Assert.Equal(new SourcePosition(5, 9), statement.Options[0].Position);
    }

    [Fact]
    public void A_script_is_statements_separated_by_semicolons()
    {
        var script = SqlParser.ParseScript("""
            SET 'parallelism.default' = '1';;
            CREATE TABLE t (a INT) WITH ('connector' = 'datagen');
            EXECUTE STATEMENT SET
            BEGIN
              INSERT INTO s SELECT a FROM t;
              INSERT INTO s2 SELECT a FROM t;
            END;
            SELECT a FROM t
            """);
        Assert.Equal(
            [typeof(SetStatement), typeof(CreateTableStatement), typeof(StatementSetStatement), typeof(QueryStatement)],
            script.Select(s => s.GetType()));
        Assert.Equal(new SourcePosition(3, 1), script[2].Position);
        Assert.Empty(SqlParser.ParseScript(" ; -- nothing\n"));
    }
}
