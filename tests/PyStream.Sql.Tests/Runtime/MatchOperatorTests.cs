using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Parsing;
using PyStream.Sql.Planning;
using PyStream.Sql.Protocol;
using PyStream.Sql.Runtime;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>
/// The MATCH_RECOGNIZE operator on Flink's documented ticker rows: the documented match, rows
/// arriving out of order within the watermark delay, late rows dropped, and the same matches when
/// the operator is snapshotted and restored between any two batches (rows and partial matches in
/// CEP state, written by the SQL value codec).
/// </summary>
public sealed class MatchOperatorTests
{
    private const string Ticker =
        "CREATE TABLE Ticker (symbol STRING, rowtime TIMESTAMP(3), price BIGINT, WATERMARK FOR rowtime AS rowtime) WITH ('connector' = 'datagen')";

    private const string Query = """
        SELECT * FROM Ticker MATCH_RECOGNIZE (
            PARTITION BY symbol ORDER BY rowtime
            MEASURES START_ROW.price AS start_price, LAST(PRICE_DOWN.price) AS bottom_price, PRICE_UP.price AS end_price, COUNT(PRICE_DOWN.price) AS downs
            AFTER MATCH SKIP TO LAST PRICE_UP
            PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
            DEFINE
                PRICE_DOWN AS (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price) OR PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
                PRICE_UP AS PRICE_UP.price > LAST(PRICE_DOWN.price, 1))
        """;

    // Flink's documented ACME prices, one a second; BETA's fall from 30 to 20 and rise to 22 (a match of three downs).
    private static readonly (string Symbol, long Second, long Price)[] Rows =
    [
        ("ACME", 0, 12), ("ACME", 1, 17), ("ACME", 2, 19), ("ACME", 3, 21), ("ACME", 4, 25), ("ACME", 5, 18),
        ("BETA", 0, 30), ("BETA", 1, 28), ("ACME", 6, 15), ("BETA", 2, 25), ("ACME", 7, 14), ("BETA", 3, 20),
        ("ACME", 8, 24), ("BETA", 4, 22), ("ACME", 9, 25), ("ACME", 10, 19),
    ];

    // By hand: ACME falls from 25 through 18, 15, 14 and rises to 24, above LAST(PRICE_DOWN.price, 1) = 15. BETA
    // falls from 30 through 28, 25, 20 and rises to 22, which is not above the 25 before its last fall: no match.
    private static readonly string[] Expected = ["ACME 25 14 24 3"];

    private static (MatchSpec Spec, IReadOnlyList<Types.SqlType> InputTypes) Plan(string query = Query)
    {
        var session = new SqlSession(new SqlRequest { Catalog = { new CatalogEntry { Sql = Ticker } } });
        var root = session.Binder().Bind(SqlParser.ParseQuery(query));
        while (root is not MatchNode)
            root = Assert.Single(root.Inputs);
        var match = (MatchNode)root;
        return (match.Spec, match.Input.Types);
    }

    private static MatchOperator Create() => Create(Query);

    private static MatchOperator Create(string query)
    {
        var (spec, inputTypes) = Plan(query);
        var keys = new RowKeys([0], [inputTypes[0]]);
        return new MatchOperator("match", spec, keys, inputTypes, new SqlContext(TimeZoneInfo.Utc, TimeProvider.System), 1) { StateKey = "match" };
    }

    private static RowBatch Batch(IEnumerable<(string Symbol, long Second, long Price)> rows)
    {
        var (_, inputTypes) = Plan();
        var builder = new RowBuilder(inputTypes);
        foreach (var (symbol, second, price) in rows)
            builder.Add(RowKind.Insert, [symbol, second * 1_000_000, price]);
        return builder.Take()!;
    }

    /// <summary>Feeds the rows three at a time, the watermark one second behind the latest; restores from a snapshot after batch <paramref name="restoreAfter"/>.</summary>
    private static List<string> Run(int restoreAfter)
    {
        var output = new CollectingRows();
        IKeyedStateStore store = new HeapKeyedStateStore();
        var op = SqlOperatorHarness.Open(Create, output, store);
        var batches = Rows.Chunk(3).ToList();
        var latest = long.MinValue;
        for (var b = 0; b < batches.Count; b++)
        {
            op.ProcessBatch(0, Batch(batches[b]));
            latest = Math.Max(latest, batches[b].Max(r => r.Second) * 1_000);
            op.ProcessWatermark(0, latest - 1_000);
            if (b == restoreAfter)
            {
                op = SqlOperatorHarness.Restore(op, Create, output, ref store);
                op.ProcessWatermark(0, latest - 1_000);
            }
        }

        op.ProcessWatermark(0, long.MaxValue);
        op.Close();
        return output.Rows;
    }

    [Fact]
    public void The_documented_ticker_match_comes_once()
    {
        Assert.Equal(Expected, Run(restoreAfter: -1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_restore_between_batches_gives_the_same_matches(int restoreAfter)
    {
        Assert.Equal(Expected, Run(restoreAfter));
    }

    [Fact]
    public void Rows_behind_the_watermark_are_late_and_dropped()
    {
        var output = new CollectingRows();
        var op = SqlOperatorHarness.Open(Create, output, new HeapKeyedStateStore());
        op.ProcessWatermark(0, 5_000);
        op.ProcessBatch(0, Batch(Rows.Where(r => r.Symbol == "ACME")));
        op.ProcessWatermark(0, long.MaxValue);
        Assert.Equal(6, op.LateRowsDropped); // ACME's rows at 0..5 s
        Assert.Empty(output.Rows); // 15, 14, 24: a rise after one fall has no LAST(PRICE_DOWN.price, 1) to exceed
    }

    [Fact]
    public void Rows_the_shared_buffer_lets_go_leave_the_operators_memory()
    {
        const string strict = """
            SELECT * FROM Ticker MATCH_RECOGNIZE (
                PARTITION BY symbol ORDER BY rowtime MEASURES A.price AS a, C.price AS c
                AFTER MATCH SKIP PAST LAST ROW PATTERN (A B C)
                DEFINE A AS A.price < 10, B AS B.price >= 10 AND B.price < 20, C AS C.price >= 20)
            """;
        var prices = Enumerable.Range(0, 6_000).Select(s => (Symbol: "ACME", Second: (long)s, Price: (s * 2_654_435_761L & 0xFFFF_FFFFL) % 30)).ToList();
        // A three-state machine (strict contiguity): 0 nothing, 1 after an A, 2 after A B.
        var (stage, want) = (0, 0);
        foreach (var (_, _, price) in prices)
        {
            (stage, want) = price < 10 ? (1, want) : price < 20 ? (stage == 1 ? 2 : 0, want) : (0, stage == 2 ? want + 1 : want);
        }

        var output = new CollectingRows();
        var op = SqlOperatorHarness.Open(() => Create(strict), output, new HeapKeyedStateStore());
        var kept = 0;
        foreach (var chunk in prices.Chunk(100))
        {
            op.ProcessBatch(0, Batch(chunk));
            op.ProcessWatermark(0, chunk[^1].Second * 1_000);
            kept = Math.Max(kept, op.KeptRows);
        }

        op.ProcessWatermark(0, long.MaxValue);
        Assert.Equal(want, output.Rows.Count);
        Assert.True(want > 100, $"{want} matches");
        // At most an A and a B wait for the next row, however many rows went through the shared buffer.
        Assert.InRange(kept, 0, 2);
        Assert.InRange(op.KeptRows, 0, 2);
    }
}
