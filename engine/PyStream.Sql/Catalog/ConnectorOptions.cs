using PyStream.Sql.Ast;
using PyStream.Sql.Formats;

namespace PyStream.Sql.Catalog;

/// <summary>
/// The connectors a table can name, and their options: checked when the table is created
/// (Flink checks them when the table is first used; refusing early names the mistake sooner).
/// </summary>
public static class ConnectorOptions
{
    public static readonly IReadOnlyList<string> Connectors = ["blackhole", "datagen", "filesystem", "kafka", "nexmark", "print", "upsert-kafka"];

    private static readonly Dictionary<string, string[]> Options = new()
    {
        ["datagen"] = ["connector", "rows-per-second", "number-of-rows", "scan.parallelism", "fields."],
        ["print"] = ["connector", "print-identifier", "standard-error", "sink.parallelism"],
        ["blackhole"] = ["connector"],
        // from_data_stream / create_temporary_view of a DataStream: the table reads that DataStream's transformation.
        [DataStreamConnector] = ["connector", "transformation", "changelog"],
        ["filesystem"] = ["connector", "path", "format", "csv.", "json.", "sink.", "source.", "partition."],
        ["kafka"] = ["connector", "topic", "topic-pattern", "properties.", "format", "value.format", "key.format", "key.fields", "key.fields-prefix",
            "value.fields-include", "scan.", "sink.", "csv.", "json.", "value.csv.", "value.json.", "key.csv.", "key.json."],
        // Flink's UpsertKafkaDynamicTableFactory: the key is the primary key; reading always starts at the earliest offset.
        ["upsert-kafka"] = ["connector", "topic", "properties.", "key.format", "value.format", "key.fields-prefix", "value.fields-include",
            "scan.bounded.", "sink.", "value.csv.", "value.json.", "key.csv.", "key.json."],
        // Flink Nexmark's NexmarkSourceOptions, plus seed; values are read by the connector (Connectors/Nexmark/NexmarkOptions).
        ["nexmark"] = ["connector", "events.num", "first-event.rate", "next-event.rate", "rate.shape", "rate.period", "rate.limited",
            "person.avg-size", "auction.avg-size", "bid.avg-size", "person.proportion", "auction.proportion", "bid.proportion",
            "bid.hot-ratio.auctions", "bid.hot-ratio.bidders", "auction.hot-ratio.sellers", "keep-alive", "stop-at", "max-emit-speed",
            "base-time", "seed"],
    };

    private static readonly Dictionary<string, string[]> Required = new()
    {
        ["filesystem"] = ["path", "format"],
        ["kafka"] = ["properties.bootstrap.servers"],
        ["upsert-kafka"] = ["topic", "properties.bootstrap.servers", "key.format", "value.format"],
        [DataStreamConnector] = ["transformation"],
    };

    /// <summary>The connector of a table that a DataStream feeds (not in <see cref="Connectors"/>: the Python API creates such tables).</summary>
    public const string DataStreamConnector = "datastream";

    /// <summary>A table of a DataStream of Rows whose kinds are changes (from_changelog_stream: 'changelog' = 'true').</summary>
    public static bool IsChangelogStream(CatalogTable table) =>
        table.Connector == DataStreamConnector && table.Options.GetValueOrDefault("changelog") == "true";

    /// <summary>The metadata key of a DataStream record's timestamp, as Flink names it.</summary>
    public const string RowtimeMetadata = "rowtime";

    /// <summary>Checks a new table's connector, format and options (Flink checks them when the table is first used).</summary>
    public static void Validate(CatalogTable table, SqlNode at)
    {
        if (!table.Options.ContainsKey("connector"))
            throw new SqlValidationException($"Table options do not contain an option key 'connector' for discovering a connector (table '{table.Name}')", at.Position);
        var connector = table.Connector;
        if (!Options.TryGetValue(connector, out var allowed))
            throw new SqlValidationException($"Could not find any factory for identifier '{connector}' that implements 'DynamicTableFactory' (table '{table.Name}'). Available factory identifiers are: {string.Join(", ", Connectors)}", at.Position);
        var unsupported = table.Options.Keys.Where(k => !allowed.Any(a => a.EndsWith('.') ? k.StartsWith(a, StringComparison.Ordinal) : k == a)).Order(StringComparer.Ordinal).ToList();
        if (unsupported.Count > 0)
            throw new SqlValidationException($"Unsupported options found for '{connector}' (table '{table.Name}'): {string.Join(", ", unsupported)}. Supported options: {string.Join(", ", allowed.Select(a => a.EndsWith('.') ? a + "*" : a))}", at.Position);
        foreach (var key in Required.GetValueOrDefault(connector, []))
        {
            if (!table.Options.ContainsKey(key))
                throw new SqlValidationException($"Missing required options are: {key} (table '{table.Name}', connector '{connector}')", at.Position);
        }

        if (connector == "upsert-kafka")
            ValidateUpsertKafka(table, at);
        if (connector is "filesystem" or "kafka")
        {
            var format = FormatName(table);
            if (!RowFormat.Names.Contains(format))
                throw new SqlValidationException($"Could not find any format factory for identifier '{format}' (table '{table.Name}'). Available factory identifiers are: {string.Join(", ", RowFormat.Names)}", at.Position);
            if (connector == "kafka" && !table.Options.ContainsKey("topic") && !table.Options.ContainsKey("topic-pattern"))
                throw new SqlValidationException($"Missing required options are: topic (table '{table.Name}', connector 'kafka'; or topic-pattern for a source)", at.Position);
        }

        if (table.HasSourceWatermark && connector != DataStreamConnector)
            throw new SqlValidationException($"SOURCE_WATERMARK() of table '{table.Name}': the '{connector}' connector provides no watermarks of its own; only a table from a DataStream (from_data_stream) does", at.Position);
        foreach (var column in table.Columns.Where(c => c.Kind == ColumnKind.Metadata))
        {
            if (connector == DataStreamConnector && column.MetadataKey == RowtimeMetadata)
            {
                if (column.Type.Kind != Types.SqlTypeKind.TimestampLtz || column.Type.Precision != 3)
                    throw new SqlValidationException($"The metadata column '{column.Name}' of table '{table.Name}' reads a DataStream record's timestamp, which is TIMESTAMP_LTZ(3); it is declared {column.Type}", at.Position);
                continue;
            }

            if (connector == DataStreamConnector)
                throw new SqlValidationException($"Invalid metadata key '{column.MetadataKey}' in column '{column.Name}' of table '{table.Name}': a DataStream provides only '{RowtimeMetadata}'", at.Position);
            if (connector != "kafka" || column.MetadataKey != "timestamp")
                throw new SqlValidationException($"Invalid metadata key '{column.MetadataKey}' in column '{column.Name}' of table '{table.Name}': the '{connector}' connector provides {(connector == "kafka" ? "'timestamp'" : "no metadata")} here", at.Position);
        }
    }

    /// <summary>upsert-kafka's key: the primary key, written with key.format; the value's columns as value.fields-include says.</summary>
    private static void ValidateUpsertKafka(CatalogTable table, SqlNode at)
    {
        if (table.PrimaryKey.Count == 0)
        {
            throw new SqlValidationException($"'upsert-kafka' tables require to define a PRIMARY KEY constraint (table '{table.Name}'). The PRIMARY KEY specifies which columns "
                + "should be read from or write to the Kafka message key. The PRIMARY KEY also defines records in the 'upsert-kafka' table should update or delete on which keys.", at.Position);
        }

        foreach (var option in new[] { "key.format", "value.format" })
        {
            var format = table.Options[option];
            if (!RowFormat.Names.Contains(format))
                throw new SqlValidationException($"Could not find any format factory for identifier '{format}' in option '{option}' (table '{table.Name}'). Available factory identifiers are: {string.Join(", ", RowFormat.Names)}", at.Position);
        }

        var include = table.Options.GetValueOrDefault("value.fields-include", "ALL");
        if (include is not ("ALL" or "EXCEPT_KEY"))
            throw new SqlValidationException($"Invalid value for option 'value.fields-include': '{include}' (table '{table.Name}'); expected ALL or EXCEPT_KEY", at.Position);
        var prefix = table.Options.GetValueOrDefault("key.fields-prefix", "");
        if (prefix.Length > 0 && include == "ALL")
            throw new SqlValidationException($"A key prefix is not allowed when option 'value.fields-include' is set to 'ALL' (table '{table.Name}'). Set it to 'EXCEPT_KEY' instead to avoid field overlaps.", at.Position);
        if (table.PrimaryKey.FirstOrDefault(k => !k.StartsWith(prefix, StringComparison.Ordinal)) is { } unprefixed)
            throw new SqlValidationException($"All fields in the primary key must be prefixed with '{prefix}' when option 'key.fields-prefix' is set but field '{unprefixed}' is not prefixed (table '{table.Name}').", at.Position);
    }

    public static string FormatName(CatalogTable table) =>
        table.Options.GetValueOrDefault("format") ?? table.Options.GetValueOrDefault("value.format")
        ?? throw new SqlValidationException($"Missing required options are: format (table '{table.Name}')");
}
