using PyStream.Sql.Ast;
using PyStream.Sql.Parsing;
using PyStream.Sql.Printing;
using static PyStream.Sql.Tests.Parsing.AstBuilders;

namespace PyStream.Sql.Tests.Parsing;

public class MatchRecognizeParserTests
{
    private static MatchRecognizeRef Parse(string clause)
    {
        var query = (SelectQuery)SqlParser.ParseQuery("SELECT * FROM t MATCH_RECOGNIZE (" + clause + ")");
        return (MatchRecognizeRef)query.From[0];
    }

    private static PatternTerm PatternOf(string pattern) => Parse($"ORDER BY ts PATTERN ({pattern}) DEFINE A AS TRUE").Pattern;

    private static PatternVariable V(string name) => new(name);

    [Fact]
    public void Every_clause_in_its_place()
    {
        var m = Parse("""
            PARTITION BY symbol ORDER BY rowtime
            MEASURES FIRST(A.price) AS first_price, LAST(B.price, 1) AS before_last
            ONE ROW PER MATCH AFTER MATCH SKIP TO LAST B
            PATTERN (A B+ C) WITHIN INTERVAL '1' HOUR
            DEFINE B AS B.price < PREV(B.price), C AS C.price > 10
            """);
        Assert.Equal(new NamedTableRef(["t"]), m.Input);
        Assert.Equal([Id("symbol")], m.PartitionBy);
        Assert.Equal([new OrderItem(Id("rowtime"))], m.OrderBy);
        Assert.Equal([Item(Call("FIRST", Id("A", "price")), "first_price"), Item(Call("LAST", Id("B", "price"), Int(1)), "before_last")], m.Measures);
        Assert.Equal(RowsPerMatch.OneRow, m.Rows);
        Assert.Equal(new AfterMatchClause(AfterMatchKind.ToLast, "B"), m.After);
        Assert.Equal(new PatternSequence([V("A"), new QuantifiedPattern(V("B"), 1, null, false), V("C")]), m.Pattern);
        Assert.IsType<IntervalLiteral>(m.Within);
        Assert.Equal(
            [
                new PatternDefinitionItem("B", Bin(BinaryOperator.LessThan, Id("B", "price"), Call("PREV", Id("B", "price")))),
                new PatternDefinitionItem("C", Bin(BinaryOperator.GreaterThan, Id("C", "price"), Int(10))),
            ],
            m.Define);
        Assert.Null(m.Alias);
    }

    [Theory]
    [InlineData("A*", 0, null, false)]
    [InlineData("A+", 1, null, false)]
    [InlineData("A?", 0, 1, false)]
    [InlineData("A{3}", 3, 3, false)]
    [InlineData("A{2,}", 2, null, false)]
    [InlineData("A{2,5}", 2, 5, false)]
    [InlineData("A{,4}", 0, 4, false)]
    [InlineData("A*?", 0, null, true)]
    [InlineData("A+?", 1, null, true)]
    [InlineData("A??", 0, 1, true)]
    [InlineData("A{1,3}?", 1, 3, true)]
    public void Quantifiers_greedy_and_reluctant(string pattern, int min, int? max, bool reluctant)
    {
        Assert.Equal(new QuantifiedPattern(V("A"), min, max, reluctant), PatternOf(pattern));
    }

    [Fact]
    public void Parentheses_group_and_a_sequence_in_parentheses_flattens()
    {
        Assert.Equal(new PatternSequence([V("A"), V("B"), V("C"), V("D")]), PatternOf("A (B (C)) D"));
        Assert.Equal(new PatternSequence([V("A"), new QuantifiedPattern(new PatternSequence([V("B"), V("C")]), 1, null, false)]), PatternOf("A (B C)+"));
    }

    [Fact]
    public void Defaults_stay_unwritten_and_alias_follows()
    {
        var query = (SelectQuery)SqlParser.ParseQuery("SELECT * FROM t MATCH_RECOGNIZE (PATTERN (A) DEFINE A AS TRUE) AS m (x)");
        var m = (MatchRecognizeRef)query.From[0];
        Assert.Null(m.Rows);
        Assert.Null(m.After);
        Assert.Empty(m.PartitionBy);
        Assert.Equal(new TableAlias("m", ["x"]), m.Alias);
    }

    [Theory]
    [InlineData("AFTER MATCH SKIP PAST LAST ROW", AfterMatchKind.PastLastRow, null)]
    [InlineData("AFTER MATCH SKIP TO NEXT ROW", AfterMatchKind.ToNextRow, null)]
    [InlineData("AFTER MATCH SKIP TO FIRST B", AfterMatchKind.ToFirst, "B")]
    [InlineData("AFTER MATCH SKIP TO LAST B", AfterMatchKind.ToLast, "B")]
    [InlineData("AFTER MATCH SKIP TO B", AfterMatchKind.ToLast, "B")]
    public void After_match_strategies(string clause, AfterMatchKind kind, string? variable)
    {
        Assert.Equal(new AfterMatchClause(kind, variable), Parse($"ORDER BY ts {clause} PATTERN (A B) DEFINE A AS TRUE").After);
    }

    [Fact]
    public void The_printed_form_is_canonical()
    {
        var query = SqlParser.ParseQuery(
            "select * from t match_recognize (partition by k order by ts measures last(b.v) as l one row per match after match skip to first b pattern (a b{1,}? (c d){2}) within interval '5' second define b as b.v > a.v) m");
        Assert.Equal(
            "SELECT * FROM t MATCH_RECOGNIZE (PARTITION BY k ORDER BY ts MEASURES last(b.v) AS l ONE ROW PER MATCH AFTER MATCH SKIP TO FIRST b PATTERN (a b+? (c d){2}) WITHIN INTERVAL '5' SECOND DEFINE b AS b.v > a.v) AS m",
            query.ToSql());
    }

    [Theory]
    [InlineData("PATTERN (A | B) DEFINE A AS TRUE", 1, 45, "alternation (|) in PATTERN is not supported yet")]
    [InlineData("PATTERN (PERMUTE(A, B)) DEFINE A AS TRUE", 1, 43, "PERMUTE in PATTERN is not supported yet")]
    [InlineData("PATTERN (A {- B -} C) DEFINE A AS TRUE", 1, 45, "pattern exclusion {- ... -} is not supported yet")]
    [InlineData("PATTERN (A{-1}) DEFINE A AS TRUE", 1, 45, "a quantifier bound must not be negative")]
    [InlineData("PATTERN (A{1,-2}) DEFINE A AS TRUE", 1, 47, "a quantifier bound must not be negative")]
    [InlineData("PATTERN (A{3,1}) DEFINE A AS TRUE", 1, 44, "the quantifier {3,1} is ill-formed: the upper bound is below the lower bound")]
    [InlineData("PATTERN (A{0}) DEFINE A AS TRUE", 1, 44, "the quantifier {0} is ill-formed: it matches no row")]
    [InlineData("PATTERN (A{}) DEFINE A AS TRUE", 1, 45, "unexpected '}', expected ',' or an integer")]
    [InlineData("PATTERN (A B) DEFINE", 1, 54, "unexpected ')', expected an identifier")]
    [InlineData("PATTERN (A B)", 1, 47, "unexpected ')', expected WITHIN or DEFINE")]
    [InlineData("MEASURES A.x PATTERN (A) DEFINE A AS TRUE", 1, 47, "unexpected 'PATTERN', expected AS")]
    [InlineData("PATTERN (A) SUBSET U = (A) DEFINE A AS TRUE", 1, 46, "SUBSET in MATCH_RECOGNIZE is not supported yet")]
    [InlineData("PATTERN () DEFINE A AS TRUE", 1, 43, "unexpected ')', expected '(' or a pattern variable")]
    public void Pattern_errors_name_their_position(string clause, int line, int column, string message)
    {
        var error = ParseErrorTests.ErrorOf("SELECT * FROM t MATCH_RECOGNIZE (" + clause + ")");
        Assert.Equal($"SQL parse error at line {line}, column {column}: {message}", error.Message);
    }
}
