using System.Globalization;
using PyStream.Sql.Ast;
using PyStream.Sql.Catalog;
using PyStream.Sql.Parsing;

using PyStream.Sql.Protocol;

namespace PyStream.Sql.Planning;

/// <summary>
/// One request's view of a table environment: the catalog rebuilt from the client's entries,
/// its configuration and mode. Deterministic: the same request plans the same job in every
/// process (the client's, each subtask's).
/// </summary>
public sealed class SqlSession
{
    public SqlSession(SqlRequest request)
    {
        Request = request;
        Configuration = new Dictionary<string, string>(request.Configuration);
        BatchMode = request.BatchMode;
        Context = new SqlContext(TimeZone(Configuration.GetValueOrDefault("table.local-time-zone", "default")), TimeProvider.System);
        foreach (var entry in request.Catalog)
        {
            var statement = SqlParser.ParseStatement(entry.Sql);
            new DdlRunner(this).Apply(statement);
        }
    }

    public SqlRequest Request { get; }

    public SqlCatalog Catalog { get; } = new();

    public Dictionary<string, string> Configuration { get; }

    public bool BatchMode { get; }

    public SqlContext Context { get; }

    public int Parallelism =>
        Configuration.TryGetValue("parallelism.default", out var p) && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;

    public long WatermarkIntervalMs =>
        Configuration.TryGetValue("pipeline.auto-watermark-interval", out var text)
            ? Engine.Settings.Durations.ToMillis(Engine.Settings.Durations.Parse(text, "pipeline.auto-watermark-interval"))
            : 200;

    /// <summary>table.exec.source.idle-timeout: a source split without rows for this long stops holding back the watermark (0: never).</summary>
    public long SourceIdleTimeoutMs =>
        Configuration.TryGetValue("table.exec.source.idle-timeout", out var text)
            ? Engine.Settings.Durations.ToMillis(Engine.Settings.Durations.Parse(text, "table.exec.source.idle-timeout"))
            : 0;

    public int MaxColumnWidth =>
        Configuration.TryGetValue("table.display.max-column-width", out var w) && int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 30;

    internal QueryBinder Binder() => new(Catalog, Context);

    private static TimeZoneInfo TimeZone(string id)
    {
        if (id is "default" or "")
            return TimeZoneInfo.Local;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            throw new SqlValidationException($"table.local-time-zone: '{id}' is not a time zone id (use an IANA id such as 'UTC', 'Europe/Berlin' or 'Asia/Seoul')");
        }
    }
}
