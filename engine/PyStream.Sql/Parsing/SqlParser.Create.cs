using PyStream.Sql.Ast;
using PyStream.Sql.Lexing;

namespace PyStream.Sql.Parsing;

// CREATE TABLE, CREATE VIEW and CREATE FUNCTION.
public sealed partial class SqlParser
{
    private SqlStatement ParseCreate(SourcePosition start)
    {
        var temporary = AcceptWord("TEMPORARY");
        var system = temporary && AcceptWord("SYSTEM");
        if (AcceptWord("FUNCTION"))
            return ParseCreateFunction(start, temporary, system);
        if (system)
        {
            Expecting("FUNCTION");
            throw Unexpected();
        }
        if (AcceptWord("VIEW"))
            return ParseCreateView(start, temporary);
        ExpectWord("TABLE");
        return ParseCreateTable(start, temporary);
    }

    private bool ParseIfNotExists()
    {
        if (!AcceptWord("IF"))
            return false;
        ExpectWord("NOT");
        ExpectWord("EXISTS");
        return true;
    }

    private string? ParseOptionalComment() => AcceptWord("COMMENT") ? ParseStringLiteral() : null;

    private CreateTableStatement ParseCreateTable(SourcePosition start, bool temporary)
    {
        var ifNotExists = ParseIfNotExists();
        var name = ParseCompoundName();
        var schema = new TableSchemaBuilder();
        if (AcceptSymbol("("))
        {
            do
            {
                ParseTableElement(schema);
            }
            while (AcceptSymbol(","));
            ExpectSymbol(")");
        }
        var comment = ParseOptionalComment();
        var partitionedBy = SqlList<string>.Empty;
        if (AcceptWord("PARTITIONED"))
        {
            ExpectWord("BY");
            partitionedBy = ParseIdentifierList();
        }
        var options = AcceptWord("WITH") ? ParseOptions() : SqlList<SqlOption>.Empty;
        var like = IsWord("LIKE") ? ParseLikeClause() : null;
        var asQuery = like is null && AcceptWord("AS") ? ParseQuery() : null;
        return At(start, new CreateTableStatement(
            name, temporary, ifNotExists, SqlList.From(schema.Columns), schema.Watermark, schema.PrimaryKey,
            comment, partitionedBy, options, like, asQuery));
    }

    private void ParseTableElement(TableSchemaBuilder schema)
    {
        var start = Here;
        if (AcceptWord("WATERMARK"))
        {
            ExpectWord("FOR");
            var column = ParseCompoundName();
            ExpectWord("AS");
            schema.SetWatermark(At(start, new WatermarkSpec(column, ParseExpr())));
            return;
        }
        string? constraint = null;
        if (AcceptWord("CONSTRAINT"))
            constraint = ParseIdentifier();
        if (constraint is not null || IsWord("PRIMARY"))
        {
            ParsePrimaryKeyWords();
            var columns = ParseIdentifierList();
            ParseNotEnforced();
            schema.SetPrimaryKey(At(start, new PrimaryKeySpec(constraint, columns)));
            return;
        }
        schema.Columns.Add(ParseColumn(schema));
    }

    private TableColumn ParseColumn(TableSchemaBuilder schema)
    {
        var start = Here;
        var name = ParseIdentifier();
        if (AcceptWord("AS"))
        {
            var expr = ParseExpr();
            return At(start, new ComputedColumn(name, expr, ParseOptionalComment()));
        }
        var type = ParseDataType();
        if (AcceptWord("METADATA"))
        {
            var key = AcceptWord("FROM") ? ParseStringLiteral() : null;
            var isVirtual = AcceptWord("VIRTUAL");
            return At(start, new MetadataColumn(name, type, key, isVirtual, ParseOptionalComment()));
        }
        if (IsWord("PRIMARY"))
        {
            var keyStart = Here;
            ParsePrimaryKeyWords();
            ParseNotEnforced();
            schema.SetPrimaryKey(At(keyStart, new PrimaryKeySpec(null, [name])));
        }
        return At(start, new PhysicalColumn(name, type, ParseOptionalComment()));
    }

    private void ParsePrimaryKeyWords()
    {
        ExpectWord("PRIMARY");
        ExpectWord("KEY");
    }

    /// <summary>Flink does not own the data, so a primary key is only ever NOT ENFORCED.</summary>
    private void ParseNotEnforced()
    {
        if (AcceptWords("NOT", "ENFORCED"))
            return;
        if (IsWord("ENFORCED"))
            throw new SqlParseException("Flink supports only NOT ENFORCED primary keys: Flink does not own the data, so it cannot enforce them", Here, Current.Describe());
        throw Unexpected();
    }

    private SqlList<SqlOption> ParseOptions()
    {
        ExpectSymbol("(");
        if (AcceptSymbol(")"))
            return SqlList<SqlOption>.Empty;
        var options = ParseCommaSeparated(() =>
        {
            var start = Here;
            var key = ParseStringLiteral();
            ExpectSymbol("=");
            return At(start, new SqlOption(key, ParseStringLiteral()));
        });
        ExpectSymbol(")");
        return options;
    }

    private LikeClause ParseLikeClause()
    {
        var start = Here;
        ExpectWord("LIKE");
        var source = ParseCompoundName();
        var options = new List<LikeOption>();
        if (AcceptSymbol("("))
        {
            do
            {
                var optionStart = Here;
                var action = ParseEnumWord<LikeOptionAction>();
                options.Add(At(optionStart, new LikeOption(action, ParseEnumWord<LikeOptionScope>())));
            }
            while (!AcceptSymbol(")"));
        }
        return At(start, new LikeClause(source, SqlList.From(options)));
    }

    /// <summary>One of an enum's names written as a keyword (INCLUDING, OPTIONS, ...).</summary>
    private T ParseEnumWord<T>() where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            if (AcceptWord(value.ToString()))
                return value;
        }
        throw Unexpected();
    }

    private CreateViewStatement ParseCreateView(SourcePosition start, bool temporary)
    {
        var ifNotExists = ParseIfNotExists();
        var name = ParseCompoundName();
        var columns = IsSymbol("(") ? ParseIdentifierList() : SqlList<string>.Empty;
        var comment = ParseOptionalComment();
        ExpectWord("AS");
        return At(start, new CreateViewStatement(name, temporary, ifNotExists, columns, comment, ParseQuery()));
    }

    private CreateFunctionStatement ParseCreateFunction(SourcePosition start, bool temporary, bool system)
    {
        var ifNotExists = ParseIfNotExists();
        var name = ParseCompoundName();
        ExpectWord("AS");
        var className = ParseStringLiteral();
        FunctionLanguage? language = AcceptWord("LANGUAGE") ? ParseEnumWord<FunctionLanguage>() : null;
        if (IsWord("USING"))
            throw Unsupported("CREATE FUNCTION ... USING JAR", Current);
        return At(start, new CreateFunctionStatement(name, temporary, system, ifNotExists, className, language));
    }

    /// <summary>Collects the elements of a CREATE TABLE schema, refusing a second watermark or key.</summary>
    private sealed class TableSchemaBuilder
    {
        public List<TableColumn> Columns { get; } = [];

        public WatermarkSpec? Watermark { get; private set; }

        public PrimaryKeySpec? PrimaryKey { get; private set; }

        public void SetWatermark(WatermarkSpec watermark)
        {
            if (Watermark is not null)
                throw new SqlParseException("a table has at most one WATERMARK", watermark.Position, "WATERMARK");
            Watermark = watermark;
        }

        public void SetPrimaryKey(PrimaryKeySpec key)
        {
            if (PrimaryKey is not null)
                throw new SqlParseException("a table has at most one PRIMARY KEY", key.Position, "PRIMARY");
            PrimaryKey = key;
        }
    }
}
