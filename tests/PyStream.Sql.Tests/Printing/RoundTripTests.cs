using PyStream.Sql.Parsing;
using PyStream.Sql.Printing;

namespace PyStream.Sql.Tests.Printing;

public class RoundTripTests
{
    public static TheoryData<string> Corpus => new(SqlCorpus.Statements);

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Printing_a_tree_and_parsing_it_again_gives_the_same_tree(string sql)
    {
        var tree = SqlParser.ParseStatement(sql);
        var printed = tree.ToSql();
        var reparsed = SqlParser.ParseStatement(printed);
        Assert.Equal(tree, reparsed);
        Assert.Equal(printed, reparsed.ToSql());
    }

    [Fact]
    public void The_whole_corpus_reads_as_one_script()
    {
        var script = SqlParser.ParseScript(string.Join(";\n", SqlCorpus.Statements) + ";");
        Assert.Equal(SqlCorpus.Statements.Length, script.Count);
    }

    [Theory]
    [InlineData("a + b * c", "a + b * c")]
    [InlineData("(a + b) * c", "(a + b) * c")]
    [InlineData("a - (b - c) - d", "a - (b - c) - d")]
    [InlineData("((a OR b) OR c) AND NOT (d AND e)", "(a OR b OR c) AND NOT (d AND e)")]
    [InlineData("NOT a = 1 AND b", "NOT a = 1 AND b")]
    [InlineData("(NOT a) = b", "(NOT a) = b")]
    [InlineData("- (- a)", "-(-a)")]
    [InlineData("1 - -2", "1 - -2")]
    [InlineData("(a = b) IS NULL", "a = b IS NULL")]
    [InlineData("x not between 1 and (2 + 3)", "x NOT BETWEEN 1 AND 2 + 3")]
    [InlineData("(a + b)[1]", "(a + b)[1]")]
    [InlineData("count(distinct `User`)", "count(DISTINCT User)")]
    [InlineData("`select` || 'it''s'", "`select` || 'it''s'")]
    [InlineData("interval '10' minutes", "INTERVAL '10' MINUTE")]
    [InlineData("cast(x as integer not null array)", "CAST(x AS ARRAY<INT NOT NULL>)")]
    [InlineData("f(a) over (partition by b order by c rows between 2 preceding and current row)", "f(a) OVER (PARTITION BY b ORDER BY c ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)")]
    public void Canonical_text_of_expressions(string sql, string expected)
    {
        Assert.Equal(expected, SqlParser.ParseExpression(sql).ToSql());
    }

    [Fact]
    public void Canonical_text_of_a_statement()
    {
        Assert.Equal(
            "CREATE TABLE t (a INT NOT NULL, b AS a + 1, `offset` BIGINT METADATA VIRTUAL, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND, PRIMARY KEY (a) NOT ENFORCED) WITH ('connector' = 'datagen')",
            SqlParser.ParseStatement(
                "create table t (a int not null primary key not enforced, b as a + 1, `offset` bigint metadata virtual, watermark for ts as ts - interval '5' second) with ('connector'='datagen')")
                .ToSql());
    }
}
