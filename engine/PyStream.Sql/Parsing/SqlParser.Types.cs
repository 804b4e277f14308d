using PyStream.Sql.Ast;
using PyStream.Sql.Lexing;

namespace PyStream.Sql.Parsing;

// Data types in Flink's DataTypes syntax.
public sealed partial class SqlParser
{
    private static readonly Dictionary<string, SqlTypeName> SimpleTypeNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CHAR"] = SqlTypeName.Char, ["CHARACTER"] = SqlTypeName.Char, ["VARCHAR"] = SqlTypeName.Varchar,
        ["STRING"] = SqlTypeName.String, ["BOOLEAN"] = SqlTypeName.Boolean, ["BINARY"] = SqlTypeName.Binary,
        ["VARBINARY"] = SqlTypeName.Varbinary, ["BYTES"] = SqlTypeName.Bytes, ["DECIMAL"] = SqlTypeName.Decimal,
        ["DEC"] = SqlTypeName.Decimal, ["NUMERIC"] = SqlTypeName.Decimal, ["TINYINT"] = SqlTypeName.TinyInt,
        ["SMALLINT"] = SqlTypeName.SmallInt, ["INT"] = SqlTypeName.Int, ["INTEGER"] = SqlTypeName.Int,
        ["BIGINT"] = SqlTypeName.BigInt, ["FLOAT"] = SqlTypeName.Float, ["DOUBLE"] = SqlTypeName.Double,
        ["DATE"] = SqlTypeName.Date, ["TIME"] = SqlTypeName.Time, ["TIMESTAMP"] = SqlTypeName.Timestamp,
        ["TIMESTAMP_LTZ"] = SqlTypeName.TimestampLtz,
    };

    /// <summary>A type with its NULL / NOT NULL and postfix ARRAY / MULTISET suffixes.</summary>
    private SqlDataType ParseDataType()
    {
        using var scope = Nest();
        var start = Here;
        var type = ParseBaseType();
        var links = 0;
        while (true)
        {
            AddChainLink(ref links);
            if (AcceptWords("NOT", "NULL"))
                type = type with { NotNull = true, ExplicitNull = false };
            else if (AcceptWord("NULL"))
                type = type with { NotNull = false, ExplicitNull = true };
            else if (AcceptWord("ARRAY"))
                type = At(start, new ArrayType(type));
            else if (AcceptWord("MULTISET"))
                type = At(start, new MultisetType(type));
            else
                break;
        }
        ReleaseChainLinks(links);
        return type;
    }

    private SqlDataType ParseBaseType()
    {
        var start = Here;
        var token = Current;
        if (token.Kind != TokenKind.Word)
        {
            Expecting("a data type");
            throw Unexpected();
        }
        switch (token.Text.ToUpperInvariant())
        {
            case "ARRAY" or "MULTISET":
                Advance();
                ExpectSymbol("<");
                var element = ParseDataType();
                ExpectSymbol(">");
                return token.IsWord("ARRAY") ? At(start, new ArrayType(element)) : At(start, new MultisetType(element));
            case "MAP":
                Advance();
                ExpectSymbol("<");
                var key = ParseDataType();
                ExpectSymbol(",");
                var value = ParseDataType();
                ExpectSymbol(">");
                return At(start, new MapType(key, value));
            case "ROW":
                return ParseRowType();
            case "RAW":
                Advance();
                ExpectSymbol("(");
                var className = ParseStringLiteral();
                var snapshot = AcceptSymbol(",") ? ParseStringLiteral() : null;
                ExpectSymbol(")");
                return At(start, new RawType(className, snapshot));
            case "INTERVAL":
                Advance();
                return At(start, new IntervalType(ParseIntervalQualifier()));
        }
        if (!SimpleTypeNames.TryGetValue(token.Text, out var name))
        {
            Expecting("a data type");
            throw Unexpected();
        }
        Advance();
        if (name == SqlTypeName.Double)
            AcceptWord("PRECISION");
        if (name == SqlTypeName.Char && AcceptWord("VARYING"))
            name = SqlTypeName.Varchar;
        int? precision = null;
        int? scale = null;
        if (AcceptSymbol("("))
        {
            precision = ParseUnsignedInteger();
            if (name == SqlTypeName.Decimal && AcceptSymbol(","))
                scale = ParseUnsignedInteger();
            ExpectSymbol(")");
        }
        if (name is SqlTypeName.Time or SqlTypeName.Timestamp)
            name = ParseTimeZoneSuffix(name, token);
        return At(start, new PrimitiveType(name, precision, scale));
    }

    private SqlTypeName ParseTimeZoneSuffix(SqlTypeName name, Token typeToken)
    {
        if (AcceptWord("WITHOUT"))
        {
            ExpectWord("TIME");
            ExpectWord("ZONE");
            return name;
        }
        if (!IsWord("WITH") || !(PeekAhead(1).IsWord("LOCAL") || PeekAhead(1).IsWord("TIME")))
            return name;
        Advance();
        if (AcceptWord("LOCAL") && name == SqlTypeName.Timestamp)
        {
            ExpectWord("TIME");
            ExpectWord("ZONE");
            return SqlTypeName.TimestampLtz;
        }
        throw Unsupported(typeToken.Text.ToUpperInvariant() + " WITH TIME ZONE", typeToken);
    }

    /// <summary>ROW&lt;name TYPE ['comment'], ...&gt; or ROW(name TYPE, ...).</summary>
    private RowType ParseRowType()
    {
        var start = Here;
        ExpectWord("ROW");
        var close = AcceptSymbol("<") ? ">" : null;
        if (close is null)
        {
            ExpectSymbol("(");
            close = ")";
        }
        var fields = IsSymbol(close) ? SqlList<RowField>.Empty : ParseCommaSeparated(() =>
        {
            var fieldStart = Here;
            var fieldName = ParseIdentifier();
            var fieldType = ParseDataType();
            var comment = Current.Kind == TokenKind.String ? Advance().Text : null;
            return At(fieldStart, new RowField(fieldName, fieldType, comment));
        });
        ExpectSymbol(close);
        return At(start, new RowType(fields));
    }
}
