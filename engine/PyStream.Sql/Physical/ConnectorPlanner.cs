using System.Globalization;
using PyStream.Engine.Spec;
using PyStream.Sql.Ast;
using PyStream.Sql.Catalog;
using PyStream.Sql.Connectors.Nexmark;
using PyStream.Sql.Formats;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Physical;

/// <summary>
/// The connectors of CREATE TABLE ... WITH ('connector' = ...): their options checked when the
/// table is created, and their reads and writes planned onto SQL operators and the engine's own
/// sources and sinks (text files, Kafka, print, collect).
/// </summary>
internal static class ConnectorPlanner
{
    private static string FormatName(CatalogTable table) => ConnectorOptions.FormatName(table);

    public static int Source(PhysicalPlanner planner, ScanNode scan)
    {
        var table = scan.Table;
        var session = planner.Session;
        var types = scan.Types;
        var name = $"TableSourceScan(table=[[{SqlCatalog.CatalogName}, {SqlCatalog.DatabaseName}, {table.Name}]], fields=[{PhysicalPlanner.Names(scan.Fields)}])";
        switch (table.Connector)
        {
            case "datagen":
                var fields = DatagenFields(table, scan);
                var rate = table.Options.TryGetValue("rows-per-second", out var r) ? double.Parse(r, CultureInfo.InvariantCulture) : 10000;
                long? rows = table.Options.TryGetValue("number-of-rows", out var n) ? long.Parse(n, CultureInfo.InvariantCulture) : null;
                var parallelism = table.Options.TryGetValue("scan.parallelism", out var sp) ? int.Parse(sp, CultureInfo.InvariantCulture) : session.Parallelism;
                return planner.Add(name, "Source: datagen", parallelism, [],
                    t => new DatagenSourceOperator(name, fields, rate, rows, t.Node.Subtask, t.Node.Parallelism), outputTypes: types);
            case "nexmark":
                var columns = NexmarkColumns.Resolve(scan.ScanFields.Select(f => new SqlField(f.Name, f.Type)).ToList(), table.Name);
                var shape = new NexmarkTableShape(columns);
                return NexmarkSource(planner, table, shape.Projection, shape, types);
            case "filesystem":
                var files = planner.Add($"Source: files {table.Options["path"]}", "Source: files", session.Parallelism, [],
                    source: new SourceSpec { TextFiles = new TextFileSource { Paths = { table.Options["path"] }, Partitioned = table.PartitionedBy.Count > 0 } });
                return Decode(planner, table, scan, files, "");
            case "kafka":
                var kafka = planner.Add($"Source: Kafka {table.Name}", "Source: kafka", session.Parallelism, [], source: new SourceSpec { Kafka = KafkaSource(table) });
                return Decode(planner, table, scan, kafka, table.Options.ContainsKey("value.format") ? "value." : "");
            case "upsert-kafka":
                return UpsertSource(planner, table, scan);
            case ConnectorOptions.DataStreamConnector:
                return FromDataStream(planner, table, scan);
            default:
                throw new SqlValidationException($"Connector '{table.Connector}' can only be used as a sink (table '{table.Name}')");
        }
    }

    /// <summary>A table of a DataStream: an edge from its transformation into the conversion to rows (physical columns, then the record timestamps where read).</summary>
    private static int FromDataStream(PhysicalPlanner planner, CatalogTable table, ScanNode scan)
    {
        var physical = table.Columns.Where(c => c.Kind == ColumnKind.Physical).ToArray();
        foreach (var column in physical.Where(c => !PythonFunctions.Supported(c.Type)))
            throw new SqlValidationException($"Column '{column.Name}' of table '{table.Name}' is {column.Type}: values of this type do not cross from a DataStream yet");
        var layout = scan.ScanFields.Select(f => table.Columns.First(c => c.Name == f.Name) is { Kind: ColumnKind.Metadata }
            ? FromDataStreamOperator.Rowtime
            : Array.FindIndex(physical, c => c.Name == f.Name)).ToArray();
        var spec = PythonRows.Of(physical.Select(c => new SqlField(c.Name, c.Type)).ToArray());
        if (!int.TryParse(table.Options["transformation"], NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            throw new SqlValidationException($"Table '{table.Name}': 'transformation' = '{table.Options["transformation"]}' is no DataStream transformation id");
        var name = $"DataStreamScan(table=[[{SqlCatalog.CatalogName}, {SqlCatalog.DatabaseName}, {table.Name}]], fields=[{PhysicalPlanner.Names(scan.Fields)}])";
        return planner.Add(name, "DataStreamScan", planner.Session.Parallelism, [PhysicalInput.FromTransformation(id)],
            _ => new FromDataStreamOperator(name, spec, layout, ConnectorOptions.IsChangelogStream(table)), outputTypes: scan.Types);
    }

    /// <summary>The nexmark source generating <paramref name="projection"/>'s columns (reshaped into the table's ROW columns by <paramref name="shape"/> when set).</summary>
    public static int NexmarkSource(PhysicalPlanner planner, CatalogTable table, NexmarkProjection projection, NexmarkTableShape? shape, IReadOnlyList<SqlType> types)
    {
        var config = NexmarkOptions.Config(table.Options, table.Name);
        var fields = string.Join(", ", projection.Fields.Select(f => NexmarkSchema.EventTypeOf(f) is { } kind ? $"{kind.ToString().ToLowerInvariant()}.{NexmarkSchema.Name(f)}" : NexmarkSchema.Name(f)));
        var filter = projection.Only is { } only ? $", filter=[=(event_type, {(int)only})]" : "";
        var name = shape is not null
            ? $"TableSourceScan(table=[[{SqlCatalog.CatalogName}, {SqlCatalog.DatabaseName}, {table.Name}]], fields=[{string.Join(", ", table.Columns.Where(c => c.Kind == ColumnKind.Physical).Select(c => c.Name))}])"
            : $"TableSourceScan(table=[[{SqlCatalog.CatalogName}, {SqlCatalog.DatabaseName}, {table.Name}, project=[{fields}]{filter}]], fields=[{fields}])";
        return planner.Add(name, "Source: nexmark", planner.Session.Parallelism, [],
            t => new NexmarkSourceOperator(name, config, projection, shape, t.Node.Subtask, t.Node.Parallelism), outputTypes: types);
    }

    private static int Decode(PhysicalPlanner planner, CatalogTable table, ScanNode scan, int source, string prefix)
    {
        var physical = scan.ScanFields.Select((f, i) => (Field: f, Column: table.Columns.First(c => c.Name == f.Name))).ToArray();
        var formatFields = physical.Where(p => p.Column.Kind == ColumnKind.Physical && !table.PartitionedBy.Contains(p.Field.Name)).Select(p => new SqlField(p.Field.Name, p.Field.Type)).ToArray();
        var partitions = Partitions(table);
        var columns = physical.Select(p => new ScanColumn(p.Field.Type, Array.FindIndex(formatFields, f => f.Name == p.Field.Name), p.Column.Kind == ColumnKind.Metadata ? p.Column.MetadataKey : null,
            partitions is null ? -1 : table.PartitionedBy.ToList().IndexOf(p.Field.Name))).ToArray();
        var format = RowFormat.Create(FormatName(table), formatFields, table.Options, prefix);
        var name = $"Decode({FormatName(table)}, table=[{table.Name}])";
        return planner.Add(name, "Decode", planner.Node(source).Parallelism, [planner.Forward(source)],
            _ => new FormatDecodeOperator(name, format, columns, partitions), outputTypes: scan.Types);
    }

    /// <summary>A partitioned filesystem table's partition columns (in PARTITIONED BY order), or null.</summary>
    private static PartitionColumns? Partitions(CatalogTable table) => table.PartitionedBy.Count == 0 ? null : new PartitionColumns(
        table.PartitionedBy.Select(p => new SqlField(p, table.Columns.First(c => c.Name == p).Type)).ToArray(),
        table.Options.GetValueOrDefault("partition.default-name", PartitionPath.DefaultName));

    /// <summary>
    /// upsert-kafka read as Flink reads it: every record from the earliest offset, keys and
    /// tombstones decoded into an upsert stream, then normalized per primary key into a changelog.
    /// </summary>
    private static int UpsertSource(PhysicalPlanner planner, CatalogTable table, ScanNode scan)
    {
        var session = planner.Session;
        if (session.BatchMode)
            throw new SqlValidationException($"The upsert-kafka table '{table.Name}' is an updating source, which can only be read in streaming mode");
        var spec = KafkaSource(table);
        spec.Framed = true;
        spec.StartingOffsets = new KafkaOffsets { Kind = KafkaOffsets.Types.Kind.Earliest };
        var source = planner.Add($"Source: Kafka {table.Name}", "Source: kafka", session.Parallelism, [], source: new SourceSpec { Kafka = spec });
        var types = scan.Types;
        var layout = UpsertLayout(table, scan.ScanFields.Select(f => new SqlField(f.Name, f.Type)).ToArray());
        var decodeName = $"Decode(upsert, key={table.Options["key.format"]}, value={FormatName(table)}, table=[{table.Name}])";
        var decode = planner.Add(decodeName, "Decode", session.Parallelism, [planner.Forward(source)],
            _ => new UpsertDecodeOperator(decodeName, layout, types), outputTypes: types);
        var keys = layout.KeyColumns;
        var normalizeName = $"ChangelogNormalize(key=[{string.Join(", ", table.PrimaryKey)}])";
        return planner.Add(normalizeName, "ChangelogNormalize", session.Parallelism, [planner.Hash(decode, keys, session.Parallelism, types)],
            t => new ChangelogNormalizeOperator(normalizeName, new RowKeys(keys, keys.Select(k => types[k]).ToArray()), types, t.Node.InputCount), outputTypes: types);
    }

    /// <summary>Where the primary key and the value's columns are in a row of <paramref name="columns"/>, and their formats.</summary>
    private static KafkaKeyValueLayout UpsertLayout(CatalogTable table, SqlField[] columns)
    {
        var o = table.Options;
        var prefix = o.GetValueOrDefault("key.fields-prefix", "");
        var keys = table.PrimaryKey.Select(k => Array.FindIndex(columns, c => c.Name == k) is >= 0 and var i ? i
            : throw new SqlValidationException($"The primary key column '{k}' of the upsert-kafka table '{table.Name}' is not a physical column")).ToArray();
        var values = Enumerable.Range(0, columns.Length).Where(i => o.GetValueOrDefault("value.fields-include", "ALL") == "ALL" || !keys.Contains(i)).ToArray();
        var key = RowFormat.Create(o["key.format"], keys.Select(i => columns[i] with { Name = columns[i].Name[prefix.Length..] }).ToArray(), o, "key.");
        var value = RowFormat.Create(o["value.format"], values.Select(i => columns[i]).ToArray(), o, "value.");
        return new KafkaKeyValueLayout(key, keys, value, values, columns.Length);
    }

    /// <summary>Adds the sink of an INSERT: the rows of <paramref name="input"/>, already in the table's persisted column order.</summary>
    public static void Sink(PhysicalPlanner planner, int input, CatalogTable table, bool changelog)
    {
        var persisted = table.Columns.Where(c => c.IsPersisted).ToArray();
        var types = persisted.Select(c => c.Type).ToArray();
        var name = $"Sink(table=[{SqlCatalog.CatalogName}.{SqlCatalog.DatabaseName}.{table.Name}], fields=[{string.Join(", ", persisted.Select(c => c.Name))}])";
        var parallelism = planner.Node(input).Parallelism;
        if (table.Options.TryGetValue("sink.parallelism", out var sp))
            parallelism = int.Parse(sp, CultureInfo.InvariantCulture);
        var edge = new PhysicalInput(input, parallelism == planner.Node(input).Parallelism ? Partitioning.Auto : Partitioning.Rebalance);
        switch (table.Connector)
        {
            case "print":
                var format = planner.Add($"PrintFormat({table.Name})", "PrintFormat", parallelism, [edge], t => new PrintFormatOperator(name, types, t.Node.InputCount));
                planner.Add(name, "Sink: print", parallelism, [planner.Forward(format)], sink: new SinkSpec
                {
                    Print = new PrintSink { Identifier = table.Options.GetValueOrDefault("print-identifier", ""), ToStderr = table.Options.GetValueOrDefault("standard-error") == "true" },
                });
                return;
            case "blackhole":
                planner.Add(name, "Sink: blackhole", parallelism, [edge], t => new BlackholeSinkOperator(name, t.Node.InputCount, types));
                return;
            case "filesystem" or "kafka" when changelog:
                throw new SqlValidationException($"Table sink '{SqlCatalog.CatalogName}.{SqlCatalog.DatabaseName}.{table.Name}' doesn't support consuming update and delete changes which are produced by an aggregation; use a window aggregation (append-only), or a print/blackhole sink");
            case "filesystem":
                var partitionColumns = table.PartitionedBy.Select(p => Array.FindIndex(persisted, c => c.Name == p)).ToArray();
                var dataColumns = Enumerable.Range(0, persisted.Length).Where(i => !partitionColumns.Contains(i)).ToArray();
                var rowFormat = RowFormat.Create(FormatName(table), dataColumns.Select(i => new SqlField(persisted[i].Name, persisted[i].Type)).ToArray(), table.Options, "");
                var partitions = Partitions(table);
                var encode = planner.Add($"Encode({FormatName(table)}, table=[{table.Name}])", "Encode", parallelism, [edge],
                    t => partitions is null
                        ? new FormatEncodeOperator(name, rowFormat, null, [], kafka: false, t.Node.InputCount)
                        : new PartitionedFileEncodeOperator(name, rowFormat, dataColumns, partitionColumns, partitions, t.Node.InputCount));
                planner.Add(name, "Sink: filesystem", parallelism, [planner.Forward(encode)], sink: new SinkSpec
                {
                    File = new FileSink { BasePath = table.Options["path"], PartPrefix = "part", RollOnCheckpoint = true, NoBuckets = true },
                });
                return;
            case "kafka":
                var prefix = table.Options.ContainsKey("value.format") ? "value." : "";
                var value = RowFormat.Create(FormatName(table), persisted.Select(c => new SqlField(c.Name, c.Type)).ToArray(), table.Options, prefix);
                var (key, keyColumns) = KafkaKey(table, persisted);
                var kafkaEncode = planner.Add($"Encode({FormatName(table)}, table=[{table.Name}])", "Encode", parallelism, [edge],
                    t => new FormatEncodeOperator(name, value, key, keyColumns, kafka: true, t.Node.InputCount));
                planner.Add(name, "Sink: kafka", parallelism, [planner.Forward(kafkaEncode)], sink: new SinkSpec { Kafka = KafkaSink(table) });
                return;
            case "upsert-kafka":
                var layout = UpsertLayout(table, persisted.Select(c => new SqlField(c.Name, c.Type)).ToArray());
                var upsertEncode = planner.Add($"Encode(upsert, table=[{table.Name}])", "Encode", parallelism, [planner.Hash(input, layout.KeyColumns, parallelism, types)],
                    t => new UpsertEncodeOperator(name, layout, t.Node.InputCount));
                planner.Add(name, "Sink: kafka", parallelism, [planner.Forward(upsertEncode)], sink: new SinkSpec { Kafka = KafkaSink(table) });
                return;
            default:
                throw new SqlValidationException($"Connector '{table.Connector}' can only be used as a source (table '{table.Name}')");
        }
    }

    private static (RowFormat? Key, int[] Columns) KafkaKey(CatalogTable table, CatalogColumn[] persisted)
    {
        if (!table.Options.TryGetValue("key.fields", out var fields))
            return (null, []);
        var names = fields.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var columns = names.Select(n => Array.FindIndex(persisted, c => c.Name == n) is >= 0 and var i ? i
            : throw new SqlValidationException($"key.fields: '{n}' is not a physical column of table '{table.Name}'")).ToArray();
        var format = table.Options.GetValueOrDefault("key.format") ?? throw new SqlValidationException($"key.fields needs key.format (table '{table.Name}')");
        return (RowFormat.Create(format, columns.Select(i => new SqlField(persisted[i].Name, persisted[i].Type)).ToArray(), table.Options, "key."), columns);
    }

    private static KafkaSource KafkaSource(CatalogTable table)
    {
        var o = table.Options;
        var source = new KafkaSource { BootstrapServers = o["properties.bootstrap.servers"], GroupId = o.GetValueOrDefault("properties.group.id", "") };
        if (o.TryGetValue("topic", out var topics))
            source.Topics.AddRange(topics.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        else
            source.TopicPattern = o["topic-pattern"];
        foreach (var (key, value) in o.Where(kv => kv.Key.StartsWith("properties.", StringComparison.Ordinal) && kv.Key != "properties.bootstrap.servers" && kv.Key != "properties.group.id"))
            source.Properties[key["properties.".Length..]] = value;
        var reset = o.GetValueOrDefault("properties.auto.offset.reset") switch
        {
            "earliest" => KafkaOffsets.Types.ResetStrategy.ResetEarliest,
            "latest" => KafkaOffsets.Types.ResetStrategy.ResetLatest,
            _ => KafkaOffsets.Types.ResetStrategy.ResetNone,
        };
        source.StartingOffsets = Offsets(table, "scan.startup", o.GetValueOrDefault("scan.startup.mode", "group-offsets"), reset);
        var bounded = o.GetValueOrDefault("scan.bounded.mode", "unbounded");
        if (bounded != "unbounded")
        {
            source.StoppingOffsets = Offsets(table, "scan.bounded", bounded, KafkaOffsets.Types.ResetStrategy.ResetLatest);
            source.Bounded = true;
        }

        return source;
    }

    private static KafkaOffsets Offsets(CatalogTable table, string option, string mode, KafkaOffsets.Types.ResetStrategy reset)
    {
        var offsets = new KafkaOffsets { ResetStrategy = reset };
        switch (mode)
        {
            case "earliest-offset": offsets.Kind = KafkaOffsets.Types.Kind.Earliest; break;
            case "latest-offset": offsets.Kind = KafkaOffsets.Types.Kind.Latest; break;
            case "group-offsets": offsets.Kind = KafkaOffsets.Types.Kind.Committed; break;
            case "timestamp":
                offsets.Kind = KafkaOffsets.Types.Kind.Timestamp;
                offsets.TimestampMs = long.Parse(table.Options.GetValueOrDefault(option + ".timestamp-millis")
                    ?? throw new SqlValidationException($"'{option}.mode' = 'timestamp' needs '{option}.timestamp-millis' (table '{table.Name}')"), CultureInfo.InvariantCulture);
                break;
            case "specific-offsets":
                offsets.Kind = KafkaOffsets.Types.Kind.Specific;
                var topic = table.Options.GetValueOrDefault("topic", "");
                foreach (var part in (table.Options.GetValueOrDefault(option + ".specific-offsets") ?? throw new SqlValidationException($"'{option}.mode' = 'specific-offsets' needs '{option}.specific-offsets' (table '{table.Name}')")).Split(';', StringSplitOptions.RemoveEmptyEntries))
                {
                    var fields = part.Split(',').Select(f => f.Split(':')).ToDictionary(f => f[0].Trim(), f => long.Parse(f[1], CultureInfo.InvariantCulture));
                    offsets.Offsets.Add(new KafkaPartitionOffset { Topic = topic, Partition = (int)fields["partition"], Offset = fields["offset"] });
                }

                break;
            default:
                throw new SqlValidationException($"Invalid value for option '{option}.mode': '{mode}' (table '{table.Name}'); expected earliest-offset, latest-offset, group-offsets, timestamp or specific-offsets");
        }

        return offsets;
    }

    private static KafkaSink KafkaSink(CatalogTable table)
    {
        var o = table.Options;
        var sink = new KafkaSink
        {
            BootstrapServers = o["properties.bootstrap.servers"],
            Topic = o.GetValueOrDefault("topic") ?? throw new SqlValidationException($"Missing required options are: topic (table '{table.Name}', a Kafka sink)"),
            DeliveryGuarantee = o.GetValueOrDefault("sink.delivery-guarantee", "at-least-once") switch
            {
                "none" => DeliveryGuarantee.None,
                "at-least-once" => DeliveryGuarantee.AtLeastOnce,
                "exactly-once" => DeliveryGuarantee.ExactlyOnce,
                var other => throw new SqlValidationException($"Invalid value for option 'sink.delivery-guarantee': '{other}' (table '{table.Name}'); expected none, at-least-once or exactly-once"),
            },
            TransactionalIdPrefix = o.GetValueOrDefault("sink.transactional-id-prefix", ""),
        };
        if (sink.DeliveryGuarantee == DeliveryGuarantee.ExactlyOnce && sink.TransactionalIdPrefix.Length == 0)
            throw new SqlValidationException($"'sink.delivery-guarantee' = 'exactly-once' needs 'sink.transactional-id-prefix' (table '{table.Name}')");
        foreach (var (key, value) in o.Where(kv => kv.Key.StartsWith("properties.", StringComparison.Ordinal) && kv.Key != "properties.bootstrap.servers"))
            sink.Properties[key["properties.".Length..]] = value;
        return sink;
    }

    private static DatagenField[] DatagenFields(CatalogTable table, ScanNode scan) => scan.ScanFields.Select(f =>
    {
        string? Option(string name) => table.Options.GetValueOrDefault($"fields.{f.Name}.{name}");
        double Number(string name, double fallback) => Option(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var kind = Option("kind") ?? "random";
        if (kind is not ("random" or "sequence"))
            throw new SqlValidationException($"datagen: 'fields.{f.Name}.kind' must be 'random' or 'sequence', got '{kind}'");
        var sequence = kind == "sequence";
        if (sequence && (Option("start") is null || Option("end") is null))
            throw new SqlValidationException($"datagen: the sequence field '{f.Name}' needs 'fields.{f.Name}.start' and 'fields.{f.Name}.end'");
        var (min, max) = DefaultRange(f.Type);
        return new DatagenField(f.Name, f.Type, sequence, (long)Number("start", 0), (long)Number("end", 0),
            Number("min", min), Number("max", max), (int)Number("length", 100), Number("null-rate", 0));
    }).ToArray();

    private static (double Min, double Max) DefaultRange(SqlType type) => type.Kind switch
    {
        SqlTypeKind.TinyInt => (sbyte.MinValue, sbyte.MaxValue),
        SqlTypeKind.SmallInt => (short.MinValue, short.MaxValue),
        SqlTypeKind.Int => (int.MinValue, int.MaxValue),
        SqlTypeKind.BigInt => (long.MinValue, long.MaxValue),
        SqlTypeKind.Float => (float.MinValue, float.MaxValue),
        SqlTypeKind.Decimal => (-Math.Pow(10, type.Precision - type.Scale) + 1, Math.Pow(10, type.Precision - type.Scale) - 1),
        _ => (double.MinValue, double.MaxValue),
    };
}
