using PyStream.Sql.Parsing;
using PyStream.Sql.Physical;
using PyStream.Sql.Planning;
using PyStream.Sql.Protocol;

namespace PyStream.Sql.Tests.Planning;

/// <summary>
/// Where a regular join drops one side's rows by the other side's watermark (Nexmark q7's bids by the window
/// maximum's), and where it must not: the bound and the column's provenance are read from the plan, and EXPLAIN shows them.
/// </summary>
public sealed class JoinRetentionPlanTests
{
    private const string Bid = "CREATE TABLE bid (auction BIGINT, price BIGINT, dateTime TIMESTAMP(3), extra STRING, "
        + "WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND) WITH ('connector' = 'datagen')";

    private const string BidLtz = "CREATE TABLE bid_ltz (price BIGINT, dateTime TIMESTAMP_LTZ(3), WATERMARK FOR dateTime AS dateTime) WITH ('connector' = 'datagen')";

    private const string WindowMax = "(SELECT MAX(price) AS maxprice, window_end AS dateTime FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) "
        + "GROUP BY window_start, window_end) B1";

    private static string Explain(string query, params (string Key, string Value)[] settings)
    {
        var request = new SqlRequest { Catalog = { new CatalogEntry { Sql = Bid }, new CatalogEntry { Sql = BidLtz } } };
        foreach (var (key, value) in settings)
            request.Configuration[key] = value;
        return ExplainText.Of(new SqlSession(request), SqlParser.ParseStatement(query));
    }

    [Fact]
    public void Nexmark_q7_drops_a_bid_once_the_window_watermark_passes_its_time_plus_10_s()
    {
        var plan = Explain($"SELECT B.auction, B.price, B.dateTime, B.extra FROM bid B JOIN {WindowMax} "
            + "ON B.price = B1.maxprice WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime");

        Assert.Contains("leftInputSpec=[NoUniqueKey], rightInputSpec=[NoUniqueKey], stateRetention=[left rows expire when every later window_end of right > dateTime + 10000])", plan);
    }

    [Fact]
    public void The_bound_may_be_written_either_way_round_and_on_either_side()
    {
        // The window maximum on the left: its rows are kept, the bids (right) go; a strict bound gives the same drop.
        var plan = Explain($"SELECT * FROM {WindowMax} JOIN bid B ON B.price = B1.maxprice "
            + "AND B1.dateTime - INTERVAL '5' SECOND < B.dateTime AND B.dateTime <= B1.dateTime");

        Assert.Contains("stateRetention=[right rows expire when every later window_end of left > dateTime0 + 5000]", plan);
    }

    [Theory]
    [InlineData(9_998, -1)]                    // the window ending at 10 s has not fired: a bid of 0 s can still match it
    [InlineData(9_999, 10_000_000 - 1)]        // it fired: the next ends at 20 s, so bids before 10 s go
    [InlineData(19_998, 10_000_000 - 1)]
    [InlineData(19_999, 20_000_000 - 1)]       // the window ending at 20 s fired: bids before 20 s go
    public void A_tumbling_window_drops_a_row_once_the_next_window_to_fire_ends_after_its_time_plus_10_s(long watermark, long threshold)
    {
        var retention = new JoinRetention(DropLeft: true, TimeColumn: 0, OffsetMillis: -10_000, WindowSize: 10_000);

        Assert.Equal(threshold, retention.Threshold(watermark));
        Assert.Equal(long.MinValue, retention.Threshold(long.MinValue));
        Assert.Equal(long.MaxValue, retention.Threshold(long.MaxValue));
        // Other windows: by the watermark alone, t <= W - 10 s.
        Assert.Equal((watermark - 10_000) * 1000, (retention with { WindowSize = 0 }).Threshold(watermark));
    }

    [Theory]
    [InlineData("LEFT JOIN", "B.dateTime >= B1.dateTime - INTERVAL '10' SECOND")] // an outer side's rows are padded when unmatched
    [InlineData("JOIN", "B.dateTime <= B1.dateTime")]                              // only an upper bound: a later window matches any bid
    [InlineData("JOIN", "B1.dateTime >= B.dateTime - INTERVAL '10' SECOND")]      // bounds the window's end, not the bid's time
    public void Without_a_lower_bound_on_an_inner_side_nothing_is_dropped(string join, string condition)
    {
        var plan = Explain($"SELECT * FROM bid B {join} {WindowMax} ON B.price = B1.maxprice AND {condition}");

        Assert.Contains("Join(", plan);
        Assert.DoesNotContain("stateRetention", plan);
    }

    [Fact]
    public void A_column_that_is_not_a_window_end_or_a_state_ttl_keeps_every_row()
    {
        // window_start passed as the time: not the column the watermark bounds here; and a TTL keeps Flink's behaviour.
        var start = Explain("SELECT * FROM bid B JOIN (SELECT MAX(price) AS maxprice, window_start AS dateTime FROM TABLE(TUMBLE(TABLE bid, "
            + "DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) GROUP BY window_start, window_end) B1 ON B.price = B1.maxprice AND B.dateTime >= B1.dateTime");
        var ttl = Explain($"SELECT * FROM bid B JOIN {WindowMax} ON B.price = B1.maxprice AND B.dateTime >= B1.dateTime", (PhysicalPlanner.StateTtlKey, "1h"));
        var plain = Explain("SELECT * FROM bid B JOIN bid C ON B.price = C.price AND B.dateTime >= C.dateTime - INTERVAL '1' SECOND AND B.auction > C.auction");

        Assert.DoesNotContain("stateRetention", start);
        Assert.DoesNotContain("stateRetention", ttl);
        Assert.DoesNotContain("stateRetention", plain);
    }

    [Fact]
    public void A_window_over_a_timestamp_ltz_names_its_end_in_the_session_zone_so_nothing_is_dropped()
    {
        var plan = Explain("SELECT * FROM bid B JOIN (SELECT MAX(price) AS maxprice, window_end AS e FROM TABLE(TUMBLE(TABLE bid_ltz, "
            + "DESCRIPTOR(dateTime), INTERVAL '10' SECOND)) GROUP BY window_start, window_end) B1 ON B.price = B1.maxprice AND B.dateTime >= B1.e");

        Assert.Contains("Join(", plan);
        Assert.DoesNotContain("stateRetention", plan);
    }
}
