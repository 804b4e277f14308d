using Google.Protobuf;
using PyStream.Engine.Records;
using PyStream.Sql.Ast;
using PyStream.Sql.Catalog;
using PyStream.Sql.Expressions;
using PyStream.Sql.Parsing;
using PyStream.Sql.Physical;
using PyStream.Sql.Planning;
using PyStream.Sql.Printing;
using PyStream.Sql.Protocol;
using PyStream.Sql.Rendering;
using PyStream.Sql.TableApi;
using PyStream.Sql.Types;

namespace PyStream.Sql.Service;

/// <summary>
/// A table environment's statement, answered: DDL checked and echoed for the client's
/// catalog, SHOW/DESCRIBE/EXPLAIN answered with rows, queries and INSERTs planned into a job.
/// Every host calls this one entry (the embedded engine, the gateway's Sql call).
/// Refusals are <see cref="SqlParseException"/> and <see cref="SqlValidationException"/>.
/// </summary>
public static class SqlService
{
    public static SqlResponse Execute(SqlRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var session = new SqlSession(request);
        if (request.RegisterFunction is { } function)
            return Register(session, function);
        if (request.Inserts.Count > 0)
            return Job(session, request.Inserts.Select(i => SqlParser.ParseStatement(i) as InsertStatement
                ?? throw new SqlValidationException($"a statement set holds only INSERT statements, got: {i}")).ToList());
        var statement = Statement(session, request);
        if (request.Table?.ToDataStream is { } conversion && !request.Explain)
        {
            return statement is QueryStatement query
                ? ToDataStream(session, query, conversion)
                : throw new SqlValidationException("to_data_stream takes a table (a query)", statement.Position);
        }

        if (request.Explain)
            statement = new ExplainStatement(statement, SqlList<string>.Empty) { Position = statement.Position };
        return statement switch
        {
            CreateTableStatement { AsQuery: not null } ctas => CreateTableAsJob(session, ctas),
            _ when DdlRunner.ChangesCatalog(statement) => Ddl(session, statement),
            QueryStatement q => Query(session, q),
            InsertStatement i => Job(session, [i]),
            StatementSetStatement s => Job(session, s.Inserts),
            ShowStatement s => Show(session, s),
            DescribeStatement d => Describe(session, d),
            ExplainStatement e => Explain(session, e),
            SetStatement s => Set(session, s),
            ResetStatement r => new SqlResponse { Kind = SqlResponse.Types.Kind.Ok, ResetKeys = { r.Key is null ? session.Configuration.Keys : [r.Key] } },
            UseStatement u => Use(u),
            _ => throw new SqlValidationException($"the statement {statement.GetType().Name} is not supported yet", statement.Position),
        };
    }

    /// <summary>The request's statement: its text parsed, or the statement its Table API table stands for.</summary>
    private static SqlStatement Statement(SqlSession session, SqlRequest request) => request.Table is null
        ? SqlParser.ParseStatement(request.Statement)
        : new TableQueryBuilder(q => session.Binder().Bind(q).Fields.Select(f => f.Name).ToArray()).Statement(request.Table);

    private static SqlResponse Ddl(SqlSession session, SqlStatement statement)
    {
        var changed = new DdlRunner(session).Apply(statement);
        var response = new SqlResponse { Kind = SqlResponse.Types.Kind.Ok };
        if (changed)
            response.CatalogEntry = new CatalogEntry { Sql = statement.ToSql() };
        if (changed && statement is CreateFunctionStatement { Language: FunctionLanguage.Python } f)
        {
            // The client imports 'module.fn' and registers the object it finds (Register).
            response.CatalogEntry.PythonFunction = new PythonFunction { Name = f.Name[^1], QualifiedName = f.ClassName, Temporary = f.Temporary, System = f.System };
        }

        return response;
    }

    /// <summary>CTAS: the table created (and recorded in the client's catalog as a plain CREATE TABLE), and the job of its INSERT.</summary>
    private static SqlResponse CreateTableAsJob(SqlSession session, CreateTableStatement ctas)
    {
        var (create, insert) = CreateTableAs.Split(session, ctas);
        var created = new DdlRunner(session).Apply(create);
        var response = Job(session, [insert]);
        if (created)
            response.CatalogEntry = new CatalogEntry { Sql = create.ToSql() };
        return response;
    }

    /// <summary>A Python function object (create_temporary_function, or CREATE FUNCTION as the client resolved it), checked and echoed for the catalog.</summary>
    private static SqlResponse Register(SqlSession session, PythonFunction function)
    {
        if (function.Function.IsEmpty)
            throw new SqlValidationException($"Function '{function.Name}': no Python function object was given");
        var className = function.QualifiedName.Length > 0 ? function.QualifiedName : "<python object>";
        var statement = new CreateFunctionStatement(new SqlList<string>([function.Name]), function.Temporary, function.System, IfNotExists: false, className, FunctionLanguage.Python);
        new DdlRunner(session).Apply(statement, function);
        return new SqlResponse { Kind = SqlResponse.Types.Kind.Ok, CatalogEntry = new CatalogEntry { Sql = statement.ToSql(), PythonFunction = function } };
    }

    private static SqlResponse Query(SqlSession session, QueryStatement q)
    {
        var (plan, root) = QueryPlan(session, q);
        var response = JobResponse(session, plan, "collect");
        response.Columns.AddRange(Columns(session, root.Fields));
        response.Changelog = !session.BatchMode;
        response.Query = true;
        return response;
    }

    private static (PhysicalPlan Plan, PlanNode Root) QueryPlan(SqlSession session, QueryStatement q)
    {
        var root = session.Binder().Bind(q.Query);
        var types = root.Types;
        var context = session.Context;
        var collectId = session.Request.CollectId;
        var plan = new PhysicalPlanner(session).Plan(root, (planner, input) =>
        {
            var encode = planner.Add("CollectEncode", "CollectEncode", 1, [new PhysicalInput(input, planner.Node(input).Parallelism == 1 ? Engine.Spec.Partitioning.Forward : Engine.Spec.Partitioning.Rebalance)],
                t => new Runtime.CollectEncodeOperator("CollectEncode", types, context, t.Node.InputCount));
            return planner.Add("Collect", "Sink: collect", 1, [planner.Forward(encode)],
                sink: new Engine.Spec.SinkSpec { Collect = new Engine.Spec.CollectSink { CollectId = collectId } });
        });
        return (plan, root);
    }

    /// <summary>
    /// to_data_stream / to_changelog_stream: the query's job ends in a conversion to pyflink Rows
    /// (no sink), numbered to continue the client's DataStream job, which adds the nodes to its own.
    /// </summary>
    private static SqlResponse ToDataStream(SqlSession session, QueryStatement q, DataStreamConversion conversion)
    {
        var (plan, root) = DataStreamPlan(session, q, conversion);
        var spec = plan.ToJobSpec(conversion.Changelog ? "to_changelog_stream" : "to_data_stream", session.Request.ToByteString(), session.BatchMode,
            session.Parallelism, session.Configuration, FirstId(session), pythonRecords: true);
        var response = new SqlResponse { Kind = SqlResponse.Types.Kind.Job, Job = spec.ToByteString(), MaxColumnWidth = session.MaxColumnWidth, Changelog = root.IsChangelog };
        response.Columns.AddRange(Columns(session, root.Fields));
        return response;
    }

    private static (PhysicalPlan Plan, PlanNode Root) DataStreamPlan(SqlSession session, QueryStatement q, DataStreamConversion conversion)
    {
        var root = session.Binder().Bind(q.Query);
        foreach (var field in root.Fields.Where(f => !PythonFunctions.Supported(f.Type)))
            throw new SqlValidationException($"Column '{field.Name}' is {field.Type}: values of this type do not cross into a DataStream yet", q.Position);
        var columns = Runtime.PythonRows.Of(root.Fields.Select(f => new SqlField(f.Name, f.Type)).ToArray());
        var rowtime = root.Fields.ToList().FindIndex(f => f.Type.TimeAttribute == TimeAttribute.Rowtime);
        var changelog = conversion.Changelog;
        var plan = new PhysicalPlanner(session).Plan(root, (planner, input) =>
        {
            if (!changelog && root.IsChangelog)
            {
                var producer = Enumerable.Range(0, input + 1).Reverse().Select(planner.Node).FirstOrDefault(n => n.Kind == "GroupAggregate") ?? planner.Node(input);
                throw new SqlTableException($"Table sink '*anonymous_datastream_sink$1*' doesn't support consuming update changes which is produced by node {producer.Name}; use to_changelog_stream for an updating table");
            }

            var kind = changelog ? "ToChangelogStream" : "ToDataStream";
            var name = $"{kind}(fields=[{PhysicalPlanner.Names(root.Fields)}])";
            return planner.Add(name, kind, planner.Node(input).Parallelism, [planner.Forward(input)],
                _ => new Runtime.ToDataStreamOperator(name, columns, rowtime, changelog), outputTypes: root.Types);
        });
        return (plan, root);
    }

    private static SqlResponse Job(SqlSession session, IReadOnlyList<InsertStatement> inserts)
    {
        var plan = InsertsPlan(session, inserts, out var names);
        var response = JobResponse(session, plan, "insert-into_" + string.Join(",", names.Select(n => $"{SqlCatalog.CatalogName}.{SqlCatalog.DatabaseName}.{n}")));
        // Flink's INSERT result: one column per sink table, one row of -1 (the row count is unknown).
        var columns = names.Select(n => ($"{SqlCatalog.CatalogName}.{SqlCatalog.DatabaseName}.{n}", SqlType.BigInt.NotNull)).ToArray();
        var rows = Rows(session, columns, [names.Select(_ => (object?)-1L).ToArray()]);
        response.Columns.AddRange(rows.Columns);
        response.Rows = rows.Rows;
        response.RowCount = rows.RowCount;
        return response;
    }

    private static PhysicalPlan InsertsPlan(SqlSession session, IReadOnlyList<InsertStatement> inserts, out List<string> names)
    {
        var planner = new PhysicalPlanner(session);
        PhysicalPlan? plan = null;
        names = [];
        foreach (var insert in inserts)
        {
            var (root, table) = InsertPlan(session, insert);
            names.Add(table.Name);
            plan = planner.Plan(root, (p, input) =>
            {
                ConnectorPlanner.Sink(p, input, table, root.IsChangelog);
                return input;
            });
        }

        return plan!;
    }

    /// <summary>
    /// The plan of a job a response described, made again from its request (in each subtask's
    /// process): planning is deterministic, so node i is the same operator everywhere.
    /// </summary>
    internal static PhysicalPlan Replan(SqlRequest request)
    {
        var session = new SqlSession(request);
        if (request.Inserts.Count > 0)
            return InsertsPlan(session, request.Inserts.Select(i => (InsertStatement)SqlParser.ParseStatement(i)).ToList(), out _);
        return Statement(session, request) switch
        {
            QueryStatement q when request.Table?.ToDataStream is { } conversion => DataStreamPlan(session, q, conversion).Plan,
            QueryStatement q => QueryPlan(session, q).Plan,
            InsertStatement i => InsertsPlan(session, [i], out _),
            StatementSetStatement s => InsertsPlan(session, s.Inserts, out _),
            CreateTableStatement { AsQuery: not null } ctas => CreateTableAsPlan(session, ctas),
            var other => throw new SqlValidationException($"'{other.GetType().Name}' does not run as a job"),
        };
    }

    /// <summary>A CTAS job planned again: the request's catalog does not hold the table it created yet.</summary>
    private static PhysicalPlan CreateTableAsPlan(SqlSession session, CreateTableStatement ctas)
    {
        var (create, insert) = CreateTableAs.Split(session, ctas);
        new DdlRunner(session).Apply(create);
        return InsertsPlan(session, [insert], out _);
    }

    /// <summary>The query of an INSERT, its columns cast to the sink table's persisted columns (unlisted ones NULL).</summary>
    private static (PlanNode Root, CatalogTable Table) InsertPlan(SqlSession session, InsertStatement insert)
    {
        if (insert.Overwrite)
            throw new SqlValidationException("INSERT OVERWRITE is not supported yet (streaming mode does not support it in Flink either)", insert.Position);
        var table = session.Catalog.Find(insert.Target) as CatalogTable
            ?? throw new SqlValidationException($"Object '{string.Join('.', insert.Target)}' not found, or it is a view: INSERT writes into tables{Suggestions.Hint(insert.Target[^1], session.Catalog.Tables.Select(t => t.Name))}", insert.Position);
        var persisted = table.Columns.Where(c => c.IsPersisted).ToArray();
        var targets = insert.Columns.Count > 0 ? insert.Columns.ToArray() : persisted.Select(c => c.Name).ToArray();
        var query = insert.Source is ValuesQuery values
            ? session.Binder().Values(values, targets.Select(n => persisted.FirstOrDefault(c => c.Name == n)?.Type ?? SqlType.Null).ToArray())
            : session.Binder().Bind(insert.Source);
        foreach (var name in targets)
        {
            if (!persisted.Any(c => c.Name == name))
                throw new SqlValidationException($"Unknown target column '{name}' of table '{table.Name}'{Suggestions.Hint(name, persisted.Select(c => c.Name))}", insert.Position);
        }

        if (query.Fields.Count != targets.Length)
        {
            throw new SqlValidationException(
                $"Column types of query result and sink for '{SqlCatalog.CatalogName}.{SqlCatalog.DatabaseName}.{table.Name}' do not match: the query has {query.Fields.Count} columns [{string.Join(", ", query.Fields.Select(f => $"{f.Name}: {f.Type}"))}], the sink takes {targets.Length} [{string.Join(", ", targets)}]",
                insert.Position);
        }

        var projections = persisted.Select(column =>
        {
            var at = Array.IndexOf(targets, column.Name);
            if (at < 0)
            {
                if (!column.Type.Nullable)
                    throw new SqlValidationException($"Column '{column.Name}' of table '{table.Name}' is NOT NULL and the INSERT gives it no value", insert.Position);
                return (BoundExpr)new Literal(null, column.Type);
            }

            var source = new InputRef(at, query.Fields[at].Type);
            if (!Functions.CastRules.CanCast(source.Type, column.Type))
                throw new SqlValidationException($"Column types of query result and sink for '{table.Name}' do not match: column '{column.Name}' is {column.Type}, the query gives {source.Type}", insert.Position);
            return QueryBinder.CastTo(source, column.Type.AsNullable(source.Type.Nullable || column.Type.Nullable));
        }).ToArray();
        var root = new CalcNode(query, null, projections, persisted.Select(c => new PlanField(c.Name, c.Type)).ToArray());
        return (root, table);
    }

    private static SqlResponse JobResponse(SqlSession session, PhysicalPlan plan, string jobName)
    {
        var spec = plan.ToJobSpec(jobName, session.Request.ToByteString(), session.BatchMode, session.Parallelism, session.Configuration, FirstId(session));
        return new SqlResponse { Kind = SqlResponse.Types.Kind.Job, Job = spec.ToByteString(), MaxColumnWidth = session.MaxColumnWidth };
    }

    /// <summary>The id of a job's first transformation: after the DataStream job's nodes when the client has one.</summary>
    private static int FirstId(SqlSession session) => Math.Max(1, session.Request.FirstTransformationId);

    private static IEnumerable<ResultColumn> Columns(SqlSession session, IEnumerable<PlanField> fields) =>
        fields.Select(f => new ResultColumn { Name = f.Name, Type = f.Type.ToString(), TypeWidth = TableauWidths.Of(f.Type, session.MaxColumnWidth) });

    private static SqlResponse Rows(SqlSession session, IReadOnlyList<(string Name, SqlType Type)> columns, IEnumerable<object?[]> rows)
    {
        var list = rows.ToList();
        var types = columns.Select(c => c.Type).ToArray();
        var response = new SqlResponse
        {
            Kind = SqlResponse.Types.Kind.Rows,
            Rows = ByteString.CopyFrom(RowWire.Encode(list.Select(r => (RowKind.Insert, r)), types, session.Context)),
            RowCount = list.Count,
            MaxColumnWidth = session.MaxColumnWidth,
        };
        response.Columns.AddRange(columns.Select(c => new ResultColumn { Name = c.Name, Type = c.Type.ToString(), TypeWidth = TableauWidths.Of(c.Type, session.MaxColumnWidth) }));
        return response;
    }

    private static SqlResponse Show(SqlSession session, ShowStatement s)
    {
        var catalog = session.Catalog;
        var (column, names) = s.Kind switch
        {
            ShowKind.Tables => ("table name", catalog.Tables.Select(t => t.Name).Concat(catalog.Views.Select(v => v.Name))),
            ShowKind.Views => ("view name", catalog.Views.Select(v => v.Name)),
            ShowKind.Functions => ("function name", catalog.Functions.Select(f => f.Name).Concat(Functions.FunctionLibrary.ScalarFunctionNames).Concat(Aggregates.Names)
                .Select(n => n.ToLowerInvariant()).Distinct()),
            ShowKind.Catalogs => ("catalog name", [SqlCatalog.CatalogName]),
            ShowKind.Databases => ("database name", [SqlCatalog.DatabaseName]),
            _ => ("module name", ["core"]),
        };
        return Rows(session, [(column, SqlType.String.NotNull)], names.Order(StringComparer.Ordinal).Select(n => new object?[] { n }));
    }

    private static SqlResponse Describe(SqlSession session, DescribeStatement d)
    {
        var found = session.Catalog.Find(d.Name)
            ?? throw new SqlValidationException($"Tables or views with the identifier '{string.Join('.', d.Name)}' doesn't exist{Suggestions.Hint(d.Name[^1], session.Catalog.Names)}", d.Position);
        var rows = new List<object?[]>();
        if (found is CatalogTable table)
        {
            foreach (var c in table.Columns)
            {
                var extras = c.Kind switch
                {
                    ColumnKind.Computed => $"AS {c.Expression!.ToSql()}",
                    ColumnKind.Metadata => $"METADATA FROM '{c.MetadataKey}'{(c.Virtual ? " VIRTUAL" : "")}",
                    _ => null,
                };
                var watermark = table.WatermarkColumn == c.Name ? table.WatermarkExpression!.ToSql() : null;
                var key = table.PrimaryKey.Contains(c.Name) ? $"PRI({string.Join(", ", table.PrimaryKey)})" : null;
                var typeText = c.Type.AsNullable() with { TimeAttribute = c.Type.TimeAttribute };
                rows.Add([c.Name, typeText.ToString(), c.Type.Nullable, key, extras, watermark]);
            }
        }
        else
        {
            foreach (var f in session.Binder().Named(d.Name, d).Fields)
                rows.Add([f.Name, f.Type.AsNullable().ToString(), f.Type.Nullable, null, null, null]);
        }

        return Rows(session, [("name", SqlType.String.NotNull), ("type", SqlType.String.NotNull), ("null", SqlType.Boolean.NotNull), ("key", SqlType.String), ("extras", SqlType.String), ("watermark", SqlType.String)], rows);
    }

    private static SqlResponse Explain(SqlSession session, ExplainStatement e)
    {
        var text = ExplainText.Of(session, e.Statement);
        var response = Rows(session, [("result", SqlType.String.NotNull)], [[text]]);
        response.RawContent = true;
        return response;
    }

    private static SqlResponse Set(SqlSession session, SetStatement s)
    {
        if (s.Key is null)
            return Rows(session, [("key", SqlType.String.NotNull), ("value", SqlType.String.NotNull)], session.Configuration.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new object?[] { kv.Key, kv.Value }));
        return new SqlResponse { Kind = SqlResponse.Types.Kind.Ok, SetKey = s.Key, SetValue = s.Value ?? "" };
    }

    private static SqlResponse Use(UseStatement u)
    {
        var expected = u.Catalog ? SqlCatalog.CatalogName : SqlCatalog.DatabaseName;
        if (u.Name[^1] != expected)
            throw new SqlValidationException($"{(u.Catalog ? "Catalog" : "Database")} '{string.Join('.', u.Name)}' does not exist: only {SqlCatalog.CatalogName}.{SqlCatalog.DatabaseName} exists here", u.Position);
        return new SqlResponse { Kind = SqlResponse.Types.Kind.Ok };
    }
}
