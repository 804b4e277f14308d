using PyStream.Sql.Types;
using static PyStream.Sql.Tests.Compiling.Exprs;

namespace PyStream.Sql.Tests.Functions;

/// <summary>The string functions, with results from Flink's documentation of each.</summary>
public sealed class StringFunctionTests
{
    private static readonly Expressions.Literal NullString = Null(SqlType.String);

    [Fact]
    public void Case_and_length()
    {
        Assert.Equal("HELLO", Eval("UPPER", Str("hello")));
        Assert.Equal("hello", Eval("LOWER", Str("HeLLo")));
        Assert.Equal("Hello World-Foo", Eval("INITCAP", Str("hELLO wORLD-foo")));
        Assert.Equal(5, Eval("CHAR_LENGTH", Str("héllo")));
        Assert.Equal(2, Eval("CHARACTER_LENGTH", Str("😀a")));
        Assert.Null(Eval("UPPER", NullString));
    }

    [Fact]
    public void Concat_is_null_with_any_null_but_concat_ws_skips_them()
    {
        Assert.Equal("abc", Eval("||", Str("ab"), Str("c")));
        Assert.Equal("abc", Eval("CONCAT", Str("a"), Str("b"), Str("c")));
        Assert.Null(Eval("CONCAT", Str("a"), NullString, Str("c")));
        Assert.Equal("a-c", Eval("CONCAT_WS", Str("-"), Str("a"), NullString, Str("c")));
        Assert.Null(Eval("CONCAT_WS", NullString, Str("a")));
    }

    [Fact]
    public void Substring_is_one_based()
    {
        Assert.Equal("ell", Eval("SUBSTRING", Str("hello"), Int(2), Int(3)));
        Assert.Equal("llo", Eval("SUBSTRING", Str("hello"), Int(3)));
        Assert.Equal("lo", Eval("SUBSTR", Str("hello"), Int(-2)));
        Assert.Equal("", Eval("SUBSTRING", Str("hello"), Int(9)));
        Assert.Equal("he", Eval("SUBSTRING", Str("hello"), Int(0), Int(2)));
    }

    [Fact]
    public void Positions_and_pieces()
    {
        Assert.Equal(3, Eval("POSITION", Str("ll"), Str("hello")));
        Assert.Equal(0, Eval("POSITION", Str("x"), Str("hello")));
        Assert.Equal(4, Eval("LOCATE", Str("l"), Str("hello"), Int(4)));
        Assert.Equal("b", Eval("SPLIT_INDEX", Str("a,b,c"), Str(","), Int(1)));
        Assert.Null(Eval("SPLIT_INDEX", Str("a,b,c"), Str(","), Int(3)));
        Assert.Equal("he", Eval("LEFT", Str("hello"), Int(2)));
        Assert.Equal("llo", Eval("RIGHT", Str("hello"), Int(3)));
        Assert.Equal(97, Eval("ASCII", Str("abc")));
        Assert.Equal("a", Eval("CHR", Int(97)));
    }

    [Fact]
    public void Trim_pad_replace()
    {
        Assert.Equal("abc", Eval("TRIM", Unit("BOTH"), Str(" "), Str("  abc  ")));
        Assert.Equal("abcxx", Eval("TRIM", Unit("LEADING"), Str("x"), Str("xxabcxx")));
        Assert.Equal("xxabc", Eval("TRIM", Unit("TRAILING"), Str("x"), Str("xxabcxx")));
        Assert.Equal("abc  ", Eval("LTRIM", Str("  abc  ")));
        Assert.Equal("  abc", Eval("RTRIM", Str("  abc  ")));
        Assert.Equal("??hi", Eval("LPAD", Str("hi"), Int(4), Str("??")));
        Assert.Equal("h", Eval("LPAD", Str("hi"), Int(1), Str("??")));
        Assert.Equal("hi?", Eval("RPAD", Str("hi"), Int(3), Str("?")));
        Assert.Null(Eval("LPAD", Str("hi"), Int(-1), Str("?")));
        Assert.Equal("heLLo", Eval("REPLACE", Str("hello"), Str("ll"), Str("LL")));
        Assert.Equal("xyzxyz", Eval("REPEAT", Str("xyz"), Int(2)));
        Assert.Equal("olleh", Eval("REVERSE", Str("hello")));
        // The replaced length defaults to the replacement's: "tes" becomes "SQL".
        Assert.Equal("xxxxxSQLt", Eval("OVERLAY", Str("xxxxxtest"), Str("SQL"), Int(6)));
        Assert.Equal("xxxxxSQLst", Eval("OVERLAY", Str("xxxxxtest"), Str("SQL"), Int(6), Int(2)));
    }

    [Fact]
    public void Like_and_similar_to_match_the_whole_string()
    {
        Assert.Equal(true, Eval("LIKE", Str("hello"), Str("h%o")));
        Assert.Equal(true, Eval("LIKE", Str("hello"), Str("he%")));
        Assert.Equal(false, Eval("LIKE", Str("hello"), Str("lo%")));
        Assert.Equal(true, Eval("LIKE", Str("hello"), Str("%lo")));
        Assert.Equal(true, Eval("LIKE", Str("hello"), Str("%ell%")));
        Assert.Equal(false, Eval("LIKE", Str("hello"), Str("%xyz%")));
        Assert.Equal(true, Eval("LIKE", Str("hello"), Str("hello")));
        Assert.Equal(true, Eval("LIKE", Str(""), Str("%")));
        Assert.Equal(true, Eval("LIKE", Str("a%"), Str("%")));
        Assert.Equal(true, Eval("LIKE", Str("x"), Str("%%")));
        Assert.Equal(true, Eval("LIKE", Str("hello"), Str("h_llo")));
        Assert.Equal(false, Eval("LIKE", Str("hello"), Str("ell")));
        Assert.Equal(true, Eval("LIKE", Str("a%b"), Str("a!%b"), Str("!")));
        Assert.Equal(false, Eval("LIKE", Str("axb"), Str("a!%b"), Str("!")));
        Assert.Equal(true, Eval("LIKE", Str("a.b"), Str("a.b")));
        Assert.Equal(false, Eval("LIKE", Str("axb"), Str("a.b")));
        Assert.Equal(true, Eval("SIMILAR TO", Str("abc"), Str("(abc|xyz)")));
        Assert.Null(Eval("LIKE", NullString, Str("%")));
    }

    [Fact]
    public void Regular_expressions()
    {
        Assert.Equal("bar", Eval("REGEXP_EXTRACT", Str("foothebar"), Str("foo(.*?)(bar)"), Int(2)));
        Assert.Equal("foothebar", Eval("REGEXP_EXTRACT", Str("foothebar"), Str("foo(.*?)(bar)")));
        Assert.Null(Eval("REGEXP_EXTRACT", Str("xyz"), Str("a(b)"), Int(1)));
        Assert.Equal("f-t-b", Eval("REGEXP_REPLACE", Str("foo-the-bar"), Str("o+|he|ar"), Str("")));
        Assert.Equal(true, Eval("REGEXP", Str("abc123"), Str("[0-9]+")));
        Assert.Throws<SqlRuntimeException>(() => Eval("REGEXP", Str("abc"), Str("(unclosed")));
    }

    [Fact]
    public void Hashes_and_base64()
    {
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", Eval("MD5", Str("abc")));
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", Eval("SHA1", Str("abc")));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Eval("SHA256", Str("abc")));
        Assert.Equal("aGVsbG8=", Eval("TO_BASE64", Str("hello")));
        Assert.Equal("hello", Eval("FROM_BASE64", Str("aGVsbG8=")));
        Assert.Equal(36, ((string)Eval("UUID")!).Length);
    }

    [Fact]
    public void Json_paths()
    {
        var json = Str("""{"a": {"b": [10, {"c": "x"}]}, "s": "text", "n": null, "t": true}""");
        Assert.Equal("10", Eval("JSON_VALUE", json, Str("$.a.b[0]")));
        Assert.Equal("x", Eval("JSON_VALUE", json, Str("$.a.b[1].c")));
        Assert.Equal("text", Eval("JSON_VALUE", json, Str("$['s']")));
        Assert.Equal("true", Eval("JSON_VALUE", json, Str("$.t")));
        Assert.Null(Eval("JSON_VALUE", json, Str("$.n")));
        Assert.Null(Eval("JSON_VALUE", json, Str("$.missing")));
        Assert.Null(Eval("JSON_VALUE", json, Str("$.a")));
        Assert.Equal("""[10,{"c":"x"}]""", Eval("JSON_QUERY", json, Str("$.a.b")));
        Assert.Equal(true, Eval("JSON_EXISTS", json, Str("$.a.b[1]")));
        Assert.Equal(false, Eval("JSON_EXISTS", json, Str("$.a.b[2]")));
        Assert.Null(Eval("JSON_VALUE", Str("not json"), Str("$.a")));
    }
}
