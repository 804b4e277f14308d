using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;
using PyStream.Engine.Spec;
using PyStream.Sql.Protocol;
using PyStream.Sql.Runtime;
using PyStream.Sql.Service;

namespace PyStream.Sql.Tests.Connectors;

/// <summary>
/// The nexmark connector through the SQL service: its options (Flink Nexmark's names) checked by
/// name, and its projection and filter push-down giving the same rows as reading the table whole
/// (ROW values built, the view's filter in a Calc), compared by a checksum over the blackhole's rows.
/// </summary>
public sealed class NexmarkConnectorTests
{
    // Flink Nexmark's DDL of its first releases: bid without channel and url (the source maps fields by name).
    private const string Table = """
        CREATE TABLE datagen (
            event_type INT,
            person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR>,
            auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, dateTime TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
            bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3), extra VARCHAR>,
            dateTime AS CASE WHEN event_type = 0 THEN person.dateTime WHEN event_type = 1 THEN auction.dateTime ELSE bid.dateTime END,
            WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
        ) WITH ('connector' = 'nexmark', 'first-event.rate' = '5000', 'seed' = '7'{0})
        """;

    private const string SmallRun = ", 'events.num' = '20000'";

    private static readonly string[] Views =
    [
        "CREATE VIEW bid AS SELECT bid.auction, bid.bidder, bid.price, dateTime, bid.extra FROM datagen WHERE event_type = 2",
        "CREATE VIEW person AS SELECT person.id, person.name, person.emailAddress, person.creditCard, person.city, person.state, dateTime, person.extra FROM datagen WHERE event_type = 0",
    ];

    public static TheoryData<string, string, long> Queries => new()
    {
        // 20,000 events are 400 epochs of 50: 400 persons, 1,200 auctions, 18,400 bids.
        { "SELECT auction, bidder, price, dateTime, extra FROM bid", "auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3), extra VARCHAR", 18_400 },
        { "SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid", "auction BIGINT, bidder BIGINT, price DECIMAL(23, 3), dateTime TIMESTAMP(3), extra VARCHAR", 18_400 },
        { "SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0", "auction BIGINT, price BIGINT", -1 },
        { "SELECT auction, window_start, window_end, COUNT(*) FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end",
            "auction BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3), num BIGINT", -1 },
        { "SELECT id, name, city, dateTime FROM person WHERE state = 'OR'", "id BIGINT, name VARCHAR, city VARCHAR, dateTime TIMESTAMP(3)", -1 },
        { "SELECT event_type, dateTime, auction.seller FROM datagen WHERE event_type <> 2", "event_type INT, dateTime TIMESTAMP(3), seller BIGINT", 1_600 },
        { "SELECT event_type, bid.price, person.name FROM datagen", "event_type INT, price BIGINT, name VARCHAR", 20_000 },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void Push_down_gives_the_rows_of_the_table_read_whole(string query, string sinkColumns, long expectedRows)
    {
        var pushed = Run(query, sinkColumns, pushDown: true);
        var whole = Run(query, sinkColumns, pushDown: false);

        Assert.True(whole.Rows > 0);
        Assert.Equal(whole, pushed);
        if (expectedRows >= 0)
            Assert.Equal(expectedRows, pushed.Rows);
    }

    [Fact]
    public void The_bid_view_is_read_as_the_bid_fields_it_selects_with_the_event_type_filter_in_the_source()
    {
        var spec = Plan("SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0", "auction BIGINT, price BIGINT", pushDown: true);
        var source = spec.Transformations[0].Name;

        Assert.Contains("project=[bid.auction, bid.price, bid.dateTime]", source);
        Assert.Contains("filter=[=(event_type, 2)]", source);
        var whole = Plan("SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0", "auction BIGINT, price BIGINT", pushDown: false);
        Assert.Contains("fields=[event_type, person, auction, bid]", whole.Transformations[0].Name);
    }

    [Fact]
    public void Events_num_bounds_the_events_over_all_kinds()
    {
        // Events 0..499: 10 epochs, 46 bids each; with 'events.num' = '500'.
        var result = Run("SELECT auction, price FROM bid", "auction BIGINT, price BIGINT", pushDown: true, options: ", 'events.num' = '500'");

        Assert.Equal(460, result.Rows);
    }

    [Theory]
    [InlineData("'events.num' = 'ten'", "Invalid value for option 'events.num'")]
    [InlineData("'events.num' = '-1'", "events.num must be 0 (no end) or positive")]
    [InlineData("'first-event.rate' = '1000', 'next-event.rate' = '2000'", "'next-event.rate' equal to 'first-event.rate'")]
    [InlineData("'bid.avg-size' = 'large'", "Invalid value for option 'bid.avg-size'")]
    [InlineData("'rate.limited' = 'true'", "Invalid value for option 'rate.limited'")]
    [InlineData("'person.proportion' = '0'", "proportions must each be at least 1")]
    public void A_bad_option_value_is_refused_naming_the_option(string options, string expected)
    {
        var error = Assert.ThrowsAny<PyStream.Engine.PyStreamException>(() =>
            Plan("SELECT auction FROM bid", "auction BIGINT", pushDown: true, options: ", " + options));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void An_unknown_option_is_refused_when_the_table_is_created()
    {
        var request = new SqlRequest { Statement = string.Format(System.Globalization.CultureInfo.InvariantCulture, Table, ", 'events.nmu' = '10'") };

        var error = Assert.Throws<SqlValidationException>(() => SqlService.Execute(request));

        Assert.Contains("Unsupported options found for 'nexmark'", error.Message);
        Assert.Contains("events.nmu", error.Message);
    }

    [Fact]
    public void Sizes_take_flink_memory_units()
    {
        var config = PyStream.Sql.Connectors.Nexmark.NexmarkOptions.Config(
            new Dictionary<string, string> { ["bid.avg-size"] = "1kb", ["person.avg-size"] = "300 b", ["auction.avg-size"] = "700" }, "t");

        Assert.Equal(1024, config.AvgBidByteSize);
        Assert.Equal(300, config.AvgPersonByteSize);
        Assert.Equal(700, config.AvgAuctionByteSize);
        Assert.Equal(1_436_918_400_000, config.BaseTimeMs);
    }

    [Fact]
    public void A_column_the_model_does_not_have_is_refused_by_name()
    {
        var error = Assert.Throws<SqlValidationException>(() =>
            Plan("SELECT auction FROM bid", "auction BIGINT", pushDown: true, table: Table.Replace("price BIGINT, dateTime", "price BIGINT, cost BIGINT, dateTime", StringComparison.Ordinal)));

        Assert.Contains("'bid' has no field 'cost'", error.Message);
    }

    private static JobSpec Plan(string query, string sinkColumns, bool pushDown, string options = SmallRun, string table = Table)
    {
        var request = new SqlRequest { Statement = "INSERT INTO sink " + query };
        if (!pushDown)
            request.Configuration["table.optimizer.source.predicate-pushdown-enabled"] = "false";
        request.Catalog.Add(new CatalogEntry { Sql = string.Format(System.Globalization.CultureInfo.InvariantCulture, table, options) });
        foreach (var view in Views)
            request.Catalog.Add(new CatalogEntry { Sql = view });
        request.Catalog.Add(new CatalogEntry { Sql = $"CREATE TABLE sink ({sinkColumns}) WITH ('connector' = 'blackhole')" });
        return JobSpec.Parser.ParseFrom(SqlService.Execute(request).Job);
    }

    private static (long Checksum, long Rows) Run(string query, string sinkColumns, bool pushDown, string options = SmallRun, string table = Table)
    {
        var spec = Plan(query, sinkColumns, pushDown, options, table);
        var sinks = new HashingSinks();
        var execution = JobExecution.Run(spec, new JobEnvironment { OperatorProviders = [sinks] });
        Assert.Equal(JobStatus.Finished, execution.Status);
        return (sinks.Sink!.Checksum, sinks.Sink.Rows);
    }

    private sealed class HashingSinks : IOperatorProvider
    {
        private readonly SqlOperators _sql = new();

        public BlackholeSinkOperator? Sink { get; private set; }

        public StreamOperator? Create(Transformation transformation, OperatorTarget target)
        {
            var op = _sql.Create(transformation, target);
            if (op is BlackholeSinkOperator sink)
                (Sink = sink).HashRows = true;
            return op;
        }
    }
}
