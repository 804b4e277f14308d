using PyStream.Sql.Ast;
using PyStream.Sql.Parsing;
using static PyStream.Sql.Tests.Parsing.AstBuilders;

namespace PyStream.Sql.Tests.Parsing;

public class TypeParserTests
{
    public static TheoryData<string, SqlDataType> Primitives => new()
    {
        { "CHAR(3)", Type(SqlTypeName.Char, 3) },
        { "VARCHAR(20)", Type(SqlTypeName.Varchar, 20) },
        { "STRING", Type(SqlTypeName.String) },
        { "BOOLEAN", Type(SqlTypeName.Boolean) },
        { "BINARY(4)", Type(SqlTypeName.Binary, 4) },
        { "VARBINARY(8)", Type(SqlTypeName.Varbinary, 8) },
        { "BYTES", Type(SqlTypeName.Bytes) },
        { "DECIMAL(10, 2)", Type(SqlTypeName.Decimal, 10, 2) },
        { "DEC(5)", Type(SqlTypeName.Decimal, 5) },
        { "NUMERIC", Type(SqlTypeName.Decimal) },
        { "TINYINT", Type(SqlTypeName.TinyInt) },
        { "SMALLINT", Type(SqlTypeName.SmallInt) },
        { "INTEGER", Type(SqlTypeName.Int) },
        { "bigint", Type(SqlTypeName.BigInt) },
        { "FLOAT", Type(SqlTypeName.Float) },
        { "DOUBLE PRECISION", Type(SqlTypeName.Double) },
        { "DATE", Type(SqlTypeName.Date) },
        { "TIME(0)", Type(SqlTypeName.Time, 0) },
        { "TIMESTAMP(3)", Type(SqlTypeName.Timestamp, 3) },
        { "TIMESTAMP(3) WITHOUT TIME ZONE", Type(SqlTypeName.Timestamp, 3) },
        { "TIMESTAMP(3) WITH LOCAL TIME ZONE", Type(SqlTypeName.TimestampLtz, 3) },
        { "TIMESTAMP_LTZ(6)", Type(SqlTypeName.TimestampLtz, 6) },
    };

    [Theory]
    [MemberData(nameof(Primitives))]
    public void Predefined_types(string sql, SqlDataType expected)
    {
        Assert.Equal(expected, SqlParser.ParseDataType(sql));
    }

    [Fact]
    public void Nullability_suffixes()
    {
        Assert.Equal(Type(SqlTypeName.Int) with { NotNull = true }, SqlParser.ParseDataType("INT NOT NULL"));
        Assert.Equal(Type(SqlTypeName.Int) with { ExplicitNull = true }, SqlParser.ParseDataType("INT NULL"));
        Assert.NotEqual(SqlParser.ParseDataType("INT"), SqlParser.ParseDataType("INT NOT NULL"));
    }

    [Fact]
    public void Collection_and_structured_types()
    {
        Assert.Equal(new ArrayType(Type(SqlTypeName.Int)), SqlParser.ParseDataType("ARRAY<INT>"));
        Assert.Equal(new ArrayType(Type(SqlTypeName.Int) with { NotNull = true }), SqlParser.ParseDataType("INT NOT NULL ARRAY"));
        Assert.Equal(new MultisetType(Type(SqlTypeName.String)), SqlParser.ParseDataType("MULTISET<STRING>"));
        Assert.Equal(
            new MapType(Type(SqlTypeName.String), new ArrayType(Type(SqlTypeName.BigInt))),
            SqlParser.ParseDataType("MAP<STRING, ARRAY<BIGINT>>"));
        var row = new RowType([new RowField("a", Type(SqlTypeName.Int)), new RowField("b", Type(SqlTypeName.String), "the b")]);
        Assert.Equal(row, SqlParser.ParseDataType("ROW<a INT, b STRING 'the b'>"));
        Assert.Equal(row, SqlParser.ParseDataType("ROW(a INT, b STRING 'the b')"));
        Assert.Equal(new RawType("java.lang.Object", "AbCd"), SqlParser.ParseDataType("RAW('java.lang.Object', 'AbCd')"));
        Assert.Equal(
            new IntervalType(new IntervalQualifier(TimeUnit.Day, 2, TimeUnit.Second, 3)),
            SqlParser.ParseDataType("INTERVAL DAY(2) TO SECOND(3)"));
    }

    [Fact]
    public void Time_zone_types_that_Flink_lacks_are_refused_by_name()
    {
        var error = Assert.Throws<SqlParseException>(() => SqlParser.ParseDataType("TIMESTAMP(3) WITH TIME ZONE"));
        Assert.Contains("TIMESTAMP WITH TIME ZONE is not supported yet", error.Message, StringComparison.Ordinal);
    }
}
