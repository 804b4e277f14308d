using PyStream.Sql.Ast;
using PyStream.Sql.Parsing;
using PyStream.Sql.Printing;

namespace PyStream.Sql.Tests.Printing;

public class LongChainTests
{
    [Theory]
    [InlineData(" + ")]
    [InlineData(" OR ")]
    public void Long_operator_chains_parse_print_and_compare(string op)
    {
        var sql = "SELECT " + string.Join(op, Enumerable.Range(0, 990).Select(i => "c" + i)) + " FROM t";
        var tree = SqlParser.ParseStatement(sql);
        var printed = tree.ToSql();
        Assert.Equal(tree, SqlParser.ParseStatement(printed));
        Assert.Equal(tree.GetHashCode(), SqlParser.ParseStatement(printed).GetHashCode());
    }

    [Theory]
    [InlineData("SELECT ", "c + ", "c FROM t")]
    [InlineData("SELECT 1 FROM t WHERE ", "c = 1 OR ", "c")]
    [InlineData("", "SELECT 1 UNION ALL ", "SELECT 2")]
    [InlineData("SELECT * FROM ", "t CROSS JOIN ", "t")]
    [InlineData("SELECT CAST(x AS INT ", "ARRAY ", ")")]
    public void Chains_deeper_than_the_limit_are_an_error_not_a_crash(string head, string link, string tail)
    {
        var sql = head + string.Concat(Enumerable.Repeat(link, 50_000)) + tail;
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseStatement(sql));
        Assert.Contains("deeper than 1000 levels", error.Message, StringComparison.Ordinal);
    }
}
