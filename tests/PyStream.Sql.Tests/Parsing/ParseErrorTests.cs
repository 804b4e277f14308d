using PyStream.Sql.Parsing;

namespace PyStream.Sql.Tests.Parsing;

public class ParseErrorTests
{
    internal static SqlParseException ErrorOf(string sql) => Assert.Throws<SqlParseException>(() => SqlParser.ParseScript(sql));

    [Theory]
    [InlineData("SELECT a, b\nFROM t WHERE a = 1 GROUP a", 2, 26, "unexpected 'a', expected BY")]
    [InlineData("SELECT COUNT(* FROM t", 1, 16, "unexpected 'FROM', expected ')'")]
    [InlineData("SELECT f(a FROM t", 1, 12, "unexpected 'FROM', expected ',' or ')'")]
    [InlineData("SELEC 1", 1, 1, "unexpected 'SELEC', expected a statement (SELECT, INSERT, CREATE, DROP, SHOW, DESCRIBE, EXPLAIN, SET, RESET, USE, EXECUTE)")]
    [InlineData("SELECT 1;\nSELECT 2 +;", 2, 11, "unexpected ';', expected an expression")]
    [InlineData("INSERT INTO t SELECT * FROM s WHERE", 1, 36, "unexpected end of input, expected an expression")]
    [InlineData("SELECT CAST(a AS VARCHAR(x)) FROM t", 1, 26, "unexpected 'x', expected an integer")]
    [InlineData("CREATE TABLE t (a INT) WITH ('k' 'v')", 1, 34, "unexpected string 'v', expected '='")]
    [InlineData("SELECT a FROM t WHERE a IS 5", 1, 28, "unexpected '5', expected NOT, DISTINCT, NULL, TRUE, FALSE or UNKNOWN")]
    [InlineData("SELECT * FROM t JOIN u", 1, 23, "unexpected end of input, expected FOR SYSTEM_TIME, AS, ON or USING")]
    [InlineData("SELECT CASE WHEN a THEN 1 FROM t", 1, 27, "unexpected 'FROM', expected WHEN, ELSE or END")]
    [InlineData("DROP TABEL t", 1, 6, "unexpected 'TABEL', expected TEMPORARY, TABLE, VIEW or FUNCTION")]
    [InlineData("SELECT `order` FROM order", 1, 21, "unexpected 'order', expected LATERAL, TABLE, UNNEST, '(' or an identifier")]
    [InlineData("SELECT EXTRACT(FORTNIGHT FROM ts)", 1, 16, "unexpected 'FORTNIGHT', expected a time unit (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, ...)")]
    [InlineData("CREATE TABLE t (a FANCY)", 1, 19, "unexpected 'FANCY', expected AS or a data type")]
    [InlineData("SET parallelism.default = 2", 1, 5, "unexpected 'parallelism', expected a 'key' in single quotes or ';'")]
    [InlineData("EXPLAIN CHANGELOG_MODE, SELECT 1", 1, 25, "unexpected 'SELECT', expected an EXPLAIN detail (ESTIMATED_COST, CHANGELOG_MODE, JSON_EXECUTION_PLAN, PLAN_ADVICE)")]
    [InlineData("SELECT 1 + * FROM t", 1, 12, "unexpected '*', expected an expression")]
    [InlineData("SELECT 1 2", 1, 10, "unexpected '2', expected AS, ',', FROM, WHERE, GROUP, HAVING, WINDOW, UNION or ...")]
    public void Syntax_errors_name_line_column_token_and_what_was_expected(string sql, int line, int column, string message)
    {
        var error = ErrorOf(sql);
        Assert.Equal($"SQL parse error at line {line}, column {column}: {message}", error.Message);
        Assert.Equal(new SourcePosition(line, column), error.Position);
    }

    [Fact]
    public void Parse_errors_share_the_engine_root_exception()
    {
        Assert.IsAssignableFrom<PyStream.Engine.PyStreamException>(ErrorOf("SELECT"));
    }

    [Theory]
    [InlineData("CREATE TABLE t (id INT, PRIMARY KEY (id) ENFORCED)", "supports only NOT ENFORCED primary keys")]
    [InlineData("CREATE TABLE t (a INT, WATERMARK FOR a AS a, WATERMARK FOR a AS a)", "at most one WATERMARK")]
    [InlineData("CREATE TABLE t (a INT PRIMARY KEY NOT ENFORCED, PRIMARY KEY (a) NOT ENFORCED)", "at most one PRIMARY KEY")]
    [InlineData("SELECT MAP['a'] FROM t", "even number of items")]
    [InlineData("SELECT * FROM a NATURAL JOIN b", "NATURAL JOIN is not supported yet")]
    [InlineData("INSERT INTO t PARTITION (p = 1) SELECT 1", "INSERT ... PARTITION (...) is not supported yet")]
    [InlineData("CREATE FUNCTION f AS 'F' LANGUAGE JAVA USING JAR 'x.jar'", "USING JAR is not supported yet")]
    public void Unsupported_or_inconsistent_constructs_are_named(string sql, string fragment)
    {
        Assert.Contains(fragment, ErrorOf(sql).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(", ")")]
    [InlineData("NOT ", "")]
    [InlineData("- ", "")]
    [InlineData("ARRAY[", "]")]
    public void Hostile_nesting_is_an_error_not_a_stack_overflow(string open, string close)
    {
        var depth = 100_000;
        var sql = "SELECT " + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));
        Assert.Contains("nested deeper than", ErrorOf(sql).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_queries_and_types_are_errors_too()
    {
        var queries = string.Concat(Enumerable.Repeat("SELECT * FROM (", 10_000)) + "t" + new string(')', 10_000);
        Assert.Contains("nested deeper than", ErrorOf(queries).Message, StringComparison.Ordinal);
        var types = "SELECT CAST(x AS " + string.Concat(Enumerable.Repeat("ARRAY<", 10_000)) + "INT" + new string('>', 10_000) + ")";
        Assert.Contains("nested deeper than", ErrorOf(types).Message, StringComparison.Ordinal);
    }
}
