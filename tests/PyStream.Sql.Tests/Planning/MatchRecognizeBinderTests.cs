using Google.Protobuf;
using PyStream.Engine.Cep;
using PyStream.Sql.Parsing;
using PyStream.Sql.Planning;
using PyStream.Sql.Protocol;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Planning;

/// <summary>MATCH_RECOGNIZE bound to a Match node: the pattern as Flink translates it, conditions, measures, output schema; and its refusals.</summary>
public sealed class MatchRecognizeBinderTests
{
    private const string Ticker =
        "CREATE TABLE Ticker (symbol STRING, price BIGINT, tax BIGINT, rowtime TIMESTAMP(3), pt AS PROCTIME(), WATERMARK FOR rowtime AS rowtime) WITH ('connector' = 'datagen')";

    private static SqlSession Session()
    {
        var twice = new PythonFunction { Name = "twice", QualifiedName = "m.twice", Function = ByteString.CopyFrom(1, 2, 3), ResultType = "BIGINT", Kind = "scalar", Temporary = true, InputTypes = { "BIGINT" } };
        return new(new SqlRequest
        {
            Catalog =
            {
                new CatalogEntry { Sql = Ticker },
                new CatalogEntry { Sql = "CREATE TEMPORARY FUNCTION twice AS 'm.twice' LANGUAGE PYTHON", PythonFunction = twice },
            },
        });
    }

    private static PlanNode Bind(string query) => Session().Binder().Bind(SqlParser.ParseQuery(query));

    private static MatchNode Match(PlanNode root) => root is MatchNode m ? m : Match(Assert.Single(root.Inputs));

    private static string Query(string clause) => $"SELECT * FROM Ticker MATCH_RECOGNIZE ({clause})";

    private static SqlValidationException ErrorOf(string clause) => Assert.Throws<SqlValidationException>(() => Bind(Query(clause)));

    [Fact]
    public void The_documented_ticker_query_binds_partition_columns_then_measures()
    {
        var root = Bind(Query("""
            PARTITION BY symbol ORDER BY rowtime
            MEASURES START_ROW.rowtime AS start_tstamp, LAST(PRICE_DOWN.rowtime) AS bottom_tstamp, LAST(PRICE_UP.rowtime) AS end_tstamp
            ONE ROW PER MATCH AFTER MATCH SKIP TO LAST PRICE_UP
            PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
            DEFINE
                PRICE_DOWN AS (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price) OR PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
                PRICE_UP AS PRICE_UP.price > LAST(PRICE_DOWN.price, 1)
            """));
        Assert.Equal(["symbol", "start_tstamp", "bottom_tstamp", "end_tstamp"], root.Fields.Select(f => f.Name));
        Assert.All(root.Fields.Skip(1), f => Assert.False(f.Type.IsTimeAttribute));
        Assert.False(root.IsChangelog);

        var spec = Match(root).Spec;
        Assert.Equal([0], spec.PartitionKeys);
        Assert.False(spec.ProcTime);
        var stages = spec.Pattern.Stages;
        Assert.Equal(["START_ROW", "PRICE_DOWN", "PRICE_UP"], stages.Select(s => s.Name));
        Assert.All(stages, s => Assert.Equal(Contiguity.Strict, s.Contiguity));
        Assert.Equal(-1, stages[0].Condition);
        Assert.Equal(new Quantifier(1, null) { Inner = Contiguity.Strict, Greedy = true }, stages[1].Quantifier);
        Assert.Equal(new AfterMatchSkip(AfterMatchSkipKind.SkipToLast, "PRICE_UP"), spec.Pattern.Skip);

        // PRICE_DOWN reads its own previous row and START_ROW's price: iterative; PRICE_DOWN.price is the current row.
        var down = spec.Conditions[stages[1].Condition];
        Assert.Equal("PRICE_DOWN", down.Variable);
        Assert.True(down.Iterative);
        Assert.Equal(
            [new MatchNavigation(NavigationKind.Last, "PRICE_DOWN", 1, 1, SqlType.BigInt), new MatchNavigation(NavigationKind.Last, "START_ROW", 1, 0, SqlType.BigInt)],
            down.Navigations);
    }

    [Theory]
    [InlineData("A*", 1, null, true, true)]
    [InlineData("A+", 1, null, false, true)]
    [InlineData("A?", 1, 1, true, false)]
    [InlineData("A{3}", 3, 3, false, false)]
    [InlineData("A{2,}", 2, null, false, true)]
    [InlineData("A{0,4}", 1, 4, true, true)]
    [InlineData("A*?", 1, null, true, false)]
    [InlineData("A{2,4}?", 2, 4, false, false)]
    public void Quantifiers_translate_as_flink_translates_them(string quantified, int min, int? max, bool optional, bool greedy)
    {
        var spec = Match(Bind(Query($"PARTITION BY symbol ORDER BY rowtime PATTERN ({quantified} B) DEFINE A AS price > 10"))).Spec;
        Assert.Equal(new Quantifier(min, max) { Optional = optional, Greedy = greedy, Inner = Contiguity.Strict }, spec.Pattern.Stages[0].Quantifier);
        Assert.Equal(Quantifier.One, spec.Pattern.Stages[1].Quantifier);
    }

    [Fact]
    public void A_condition_on_the_current_row_alone_is_simple_and_within_is_in_milliseconds()
    {
        var spec = Match(Bind(Query("PARTITION BY symbol ORDER BY pt PATTERN (A B) WITHIN INTERVAL '2' SECOND DEFINE A AS price > 10 AND A.tax < 3"))).Spec;
        Assert.False(spec.Conditions[0].Iterative);
        Assert.True(spec.ProcTime);
        Assert.Equal([0], spec.PartitionKeys);
        Assert.Equal(2_000, spec.Pattern.WithinMillis);
        Assert.Equal(new AfterMatchSkip(AfterMatchSkipKind.SkipToNext), spec.Pattern.Skip);
    }

    [Fact]
    public void Measures_read_navigations_and_match_rowtime_stays_a_rowtime_attribute()
    {
        var root = Bind(Query("ORDER BY rowtime MEASURES FIRST(A.price) AS f, SUM(A.price) AS s, COUNT(*) AS n, CLASSIFIER() AS c, MATCH_ROWTIME() AS t PATTERN (A+? B) DEFINE A AS price > PREV(price)"));
        Assert.Equal(["f", "s", "n", "c", "t"], root.Fields.Select(f => f.Name));
        Assert.Equal(TimeAttribute.Rowtime, root.Fields[4].Type.TimeAttribute);
        Assert.Equal(SqlType.BigInt.NotNull, root.Fields[2].Type);
        var spec = Match(root).Spec;
        Assert.Equal(
            [NavigationKind.First, NavigationKind.Aggregate, NavigationKind.Aggregate, NavigationKind.Classifier, NavigationKind.MatchRowtime],
            spec.MeasureNavigations.Select(n => n.Kind));
        Assert.Equal(new MatchNavigation(NavigationKind.Last, null, 1, 1, SqlType.BigInt), Assert.Single(spec.Conditions[0].Navigations));
    }

    [Theory]
    [InlineData("PATTERN (A) DEFINE A AS TRUE", "You must specify either rowtime or proctime for order by")]
    [InlineData("ORDER BY price PATTERN (A) DEFINE A AS TRUE", "You must specify either rowtime or proctime for order by as the first one: MATCH_RECOGNIZE's ORDER BY price is BIGINT, not a time attribute")]
    [InlineData("ORDER BY rowtime DESC PATTERN (A) DEFINE A AS TRUE", "Primary sort order of a streaming table must be ascending on time")]
    [InlineData("ORDER BY rowtime PATTERN (A* B?) DEFINE A AS TRUE", "Patterns that can produce empty matches are not supported. There must be at least one non-optional state.")]
    [InlineData("ORDER BY rowtime PATTERN (A B+) DEFINE A AS TRUE", "Greedy quantifiers are not allowed as the last element of a Pattern yet.")]
    [InlineData("ORDER BY rowtime PATTERN (A?? B) DEFINE A AS TRUE", "Reluctant optional variables are not supported yet.")]
    [InlineData("ORDER BY rowtime PATTERN (A B A) DEFINE A AS TRUE", "Pattern variables must be unique: 'A' appears twice in PATTERN")]
    [InlineData("ORDER BY rowtime PATTERN (A (B C)+ D) DEFINE A AS TRUE", "Group patterns (a quantifier after parentheses, as in (B C)+) are not supported yet")]
    [InlineData("ORDER BY rowtime PATTERN (A B) DEFINE C AS TRUE", "DEFINE C: 'C' is not a variable of PATTERN (A, B)")]
    [InlineData("ORDER BY rowtime PATTERN (A B) DEFINE A AS X.price > 1", "'X' is not a pattern variable of MATCH_RECOGNIZE (PATTERN has A, B)")]
    [InlineData("ORDER BY rowtime PATTERN (A B) DEFINE A AS LAST(X.price) > 1", "'X' is not a pattern variable of MATCH_RECOGNIZE (PATTERN has A, B)")]
    [InlineData("ORDER BY rowtime PATTERN (A B) DEFINE A AS price", "DEFINE A clause must be a condition, got an expression of type BIGINT")]
    [InlineData("ORDER BY rowtime PATTERN (A B) DEFINE A AS price > NEXT(price)", "NEXT is not supported in MATCH_RECOGNIZE")]
    [InlineData("ORDER BY rowtime PATTERN (A B) DEFINE A AS CLASSIFIER() = 'A'", "CLASSIFIER() is allowed in MEASURES, not in DEFINE")]
    [InlineData("ORDER BY pt MEASURES MATCH_ROWTIME() AS t PATTERN (A B) DEFINE A AS TRUE", "MATCH_ROWTIME() needs a MATCH_RECOGNIZE ordered by a rowtime attribute")]
    [InlineData("ORDER BY rowtime AFTER MATCH SKIP TO FIRST C PATTERN (A B) DEFINE A AS TRUE", "AFTER MATCH SKIP TO FIRST C: 'C' is not a variable of PATTERN (A, B)")]
    [InlineData("ORDER BY rowtime AFTER MATCH SKIP TO FIRST A PATTERN (A+? B) DEFINE A AS TRUE", "AFTER MATCH SKIP TO FIRST A: 'A' is the first row of every match")]
    [InlineData("ORDER BY rowtime AFTER MATCH SKIP TO LAST A PATTERN (A B) DEFINE A AS TRUE", "Could not skip to first element of a match.")]
    [InlineData("ORDER BY rowtime PATTERN (A B) WITHIN INTERVAL '1' MONTH DEFINE A AS TRUE", "Only constant intervals with millisecond resolution are supported as time constraints of patterns")]
    [InlineData("ORDER BY rowtime ALL ROWS PER MATCH PATTERN (A B) DEFINE A AS TRUE", "ALL ROWS PER MATCH is not supported yet")]
    [InlineData("ORDER BY rowtime PATTERN (A B) DEFINE A AS TRUE", "MATCH_RECOGNIZE gives no columns")]
    [InlineData("ORDER BY rowtime MEASURES A.price AS p PATTERN (A B) DEFINE B AS twice(B.price) > A.price", "Python functions in MATCH_RECOGNIZE (DEFINE B) are not supported yet")]
    [InlineData("ORDER BY rowtime MEASURES twice(A.price) AS p PATTERN (A B) DEFINE B AS TRUE", "Python functions in MATCH_RECOGNIZE (the measure p) are not supported yet")]
    [InlineData("ORDER BY rowtime PATTERN (A B) DEFINE A AS PREV(price + 1) > 1", "LAST in MATCH_RECOGNIZE takes a column of a pattern variable (v.col) or a column, not an expression")]
    public void Refusals_name_the_construct(string clause, string message)
    {
        Assert.Contains(message, ErrorOf(clause).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_updating_input_is_refused()
    {
        var error = Assert.Throws<SqlValidationException>(() => Bind(
            "SELECT * FROM (SELECT symbol, COUNT(*) AS n, MAX(rowtime) AS rowtime FROM Ticker GROUP BY symbol) MATCH_RECOGNIZE (ORDER BY rowtime PATTERN (A) DEFINE A AS TRUE)"));
        Assert.Contains("Match Recognize doesn't support consuming update changes", error.Message, StringComparison.Ordinal);
    }
}
