using System.Globalization;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;
using PyStream.Sql.Connectors.Nexmark;
using PyStream.Sql.Protocol;
using PyStream.Sql.Runtime;
using PyStream.Sql.Service;

namespace PyStream.Benchmarks;

/// <summary>
/// A Nexmark query run as SQL through the engine in this process: Flink Nexmark's DDL (the
/// <c>datagen</c> table on the nexmark connector, the <c>bid</c> view), an INSERT into a blackhole
/// table planned by <see cref="SqlService"/>, and the job run by <see cref="JobExecution"/>. The
/// blackhole sums its rows' hashes so the result can be compared with the hand loop's.
/// </summary>
internal static class NexmarkSql
{
    public static string TableDdl(NexmarkConfig config) => string.Create(CultureInfo.InvariantCulture, $"""
        CREATE TABLE datagen (
            event_type INT,
            person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR>,
            auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, dateTime TIMESTAMP(3),
                expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
            bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR>,
            dateTime AS CASE WHEN event_type = 0 THEN person.dateTime WHEN event_type = 1 THEN auction.dateTime ELSE bid.dateTime END,
            WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
        ) WITH (
            'connector' = 'nexmark',
            'first-event.rate' = '{config.FirstEventRate}',
            'next-event.rate' = '{config.FirstEventRate}',
            'events.num' = '{config.EventsNum}',
            'base-time' = '{config.BaseTimeMs}',
            'seed' = '{config.Seed}'
        )
        """);

    public const string BidView =
        "CREATE VIEW bid AS SELECT bid.auction, bid.bidder, bid.price, bid.channel, bid.url, dateTime, bid.extra FROM datagen WHERE event_type = 2";

    public const string PersonView =
        "CREATE VIEW person AS SELECT person.id, person.name, person.emailAddress, person.creditCard, person.city, person.state, dateTime, person.extra "
        + "FROM datagen WHERE event_type = 0";

    public const string AuctionView =
        "CREATE VIEW auction AS SELECT auction.id, auction.itemName, auction.description, auction.initialBid, auction.reserve, dateTime, "
        + "auction.expires, auction.seller, auction.category, auction.extra FROM datagen WHERE event_type = 1";

    /// <summary>Runs <c>INSERT INTO sink <paramref name="query"/></c>; returns the sink's checksum and row count.</summary>
    public static (long Checksum, long Rows) Run(NexmarkConfig config, string sinkColumns, string query, bool pushDown = true) =>
        RunOn([TableDdl(config), BidView, PersonView, AuctionView], sinkColumns, query, pushDown);

    /// <summary>Runs <c>INSERT INTO sink <paramref name="query"/></c> over the tables and views <paramref name="catalog"/> creates.</summary>
    public static (long Checksum, long Rows) RunOn(IEnumerable<string> catalog, string sinkColumns, string query, bool pushDown = true)
    {
        var request = new SqlRequest { Statement = "INSERT INTO sink " + query };
        request.Configuration["parallelism.default"] = "1";
        if (!pushDown)
            request.Configuration["table.optimizer.source.predicate-pushdown-enabled"] = "false";
        foreach (var statement in catalog)
            request.Catalog.Add(new CatalogEntry { Sql = statement });
        request.Catalog.Add(new CatalogEntry { Sql = $"CREATE TABLE sink ({sinkColumns}) WITH ('connector' = '" + (Environment.GetEnvironmentVariable("BENCH_SINK") ?? "blackhole") + "')" });
        var response = SqlService.Execute(request);
        var spec = JobSpec.Parser.ParseFrom(response.Job);
        var sinks = new HashingSinks();
        JobExecution.Run(spec, new JobEnvironment { OperatorProviders = [sinks] });
        return (sinks.Checksum, sinks.Rows);
    }

    /// <summary>The SQL operators, with every blackhole sink asked to hash its rows.</summary>
    private sealed class HashingSinks : IOperatorProvider
    {
        private readonly SqlOperators _sql = new();
        private readonly List<BlackholeSinkOperator> _sinks = [];

        public long Checksum => _sinks.Sum(s => s.Checksum);

        public long Rows => _sinks.Sum(s => s.Rows);

        public StreamOperator? Create(Transformation transformation, OperatorTarget target)
        {
            var op = _sql.Create(transformation, target);
            if (op is BlackholeSinkOperator sink)
            {
                sink.HashRows = true;
                lock (_sinks)
                    _sinks.Add(sink);
            }

            return op;
        }
    }
}
