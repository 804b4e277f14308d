using System.Text.RegularExpressions;
using PyStream.Engine;
using PyStream.Engine.Records;
using PyStream.Sql.Connectors.Nexmark;

namespace PyStream.Sql.Tests.Connectors;

/// <summary>
/// The generator against Flink Nexmark's model, restated here by hand: epochs of 50 events
/// (1 person, 3 auctions, 46 bids), ids counting up from 1000, event n at base + n × 10^6 / rate µs,
/// bids pointing at the hot auction (the first of the last block of 100 auctions) or at a recent one
/// up to 10 ahead of the last generated.
/// </summary>
public sealed partial class NexmarkGeneratorTests
{
    private static readonly NexmarkField[] AllFields = Enum.GetValues<NexmarkField>();

    private static readonly NexmarkConfig Small = new() { EventsNum = 5000, FirstEventRate = 1000, BaseTimeMs = 1_700_000_000_000, Seed = 42 };

    [Fact]
    public void The_same_seed_gives_the_same_events_and_another_seed_other_ones()
    {
        var first = Rows(Small, AllFields);
        var again = Rows(Small, AllFields);
        Assert.Equal(5000, first.Count);
        Assert.Equal(first, again);

        var reseeded = Rows(Small with { Seed = 43 }, [NexmarkField.BidPrice], NexmarkEventType.Bid);
        var prices = Rows(Small, [NexmarkField.BidPrice], NexmarkEventType.Bid);
        Assert.Equal(prices.Count, reseeded.Count);
        Assert.True(prices.Zip(reseeded).Count(p => !Equals(p.First[0], p.Second[0])) > prices.Count * 9 / 10);
    }

    [Fact]
    public void Every_epoch_of_50_events_is_one_person_then_three_auctions_then_46_bids()
    {
        var types = Rows(Small, [NexmarkField.EventType]).Select(r => (int)r[0]!).ToList();

        Assert.Equal(100, types.Count(t => t == 0));
        Assert.Equal(300, types.Count(t => t == 1));
        Assert.Equal(4600, types.Count(t => t == 2));
        for (var n = 0; n < types.Count; n++)
            Assert.Equal(n % 50 == 0 ? 0 : n % 50 <= 3 ? 1 : 2, types[n]);
    }

    [Fact]
    public void Ids_count_up_and_bids_point_at_auctions_and_people_the_model_allows()
    {
        var rows = Rows(Small, [NexmarkField.EventType, NexmarkField.PersonId, NexmarkField.AuctionId, NexmarkField.AuctionSeller,
            NexmarkField.BidAuction, NexmarkField.BidBidder]);
        long people = 0, auctions = 0, hotAuctionBids = 0, bids = 0, bidsAhead = 0;
        foreach (var row in rows)
        {
            switch ((int)row[0]!)
            {
                case 0:
                    Assert.Equal(1000 + people++, (long)row[1]!);
                    Assert.Null(row[2]);
                    Assert.Null(row[4]);
                    break;
                case 1:
                    Assert.Equal(1000 + auctions++, (long)row[2]!);
                    Assert.InRange((long)row[3]!, 1000, 1000 + people - 1 + 10);
                    Assert.Null(row[1]);
                    break;
                default:
                    bids++;
                    var lastAuction = 1000 + auctions - 1;
                    var auction = (long)row[4]!;
                    Assert.InRange(auction, Math.Max(lastAuction - 100, 1000), lastAuction + 10);
                    if (auction == 1000 + ((auctions - 1) / 100 * 100))
                        hotAuctionBids++;
                    if (auction > lastAuction)
                        bidsAhead++;
                    var lastPerson = 1000 + people - 1;
                    Assert.InRange((long)row[5]!, Math.Max(lastPerson - 1000 + 1, 1000), lastPerson + 10);
                    Assert.Null(row[3]);
                    break;
            }
        }

        // Half the bids go to the hot auction (hot ratio 2); a random auction is one of up to 111
        // candidates, of which at most 10 are ahead of the last one generated.
        Assert.InRange(hotAuctionBids, bids * 45 / 100, bids * 56 / 100);
        Assert.InRange(bidsAhead, 1, bids / 2 * 10 / 50);
    }

    [Theory]
    [InlineData(1000L, 1, 1L)] // 1 ms apart
    [InlineData(4L, 3, 750L)] // 250 ms apart
    [InlineData(400_000L, 2_401, 6L)] // 2.5 µs apart: whole microseconds, then whole milliseconds
    public void Event_n_happens_at_base_plus_n_times_the_inter_event_delay(long rate, int n, long expectedOffsetMs)
    {
        var config = new NexmarkConfig { EventsNum = n + 1, FirstEventRate = rate, BaseTimeMs = 5_000, Seed = 1 };
        var times = Rows(config, [NexmarkField.DateTime, NexmarkField.BidDateTime, NexmarkField.AuctionDateTime, NexmarkField.AuctionExpires]);

        Assert.Equal((5_000 + expectedOffsetMs) * 1000, (long)times[n][0]!);
        for (var i = 0; i < times.Count; i++)
        {
            Assert.Equal((5_000 + (i * 1_000_000L / rate / 1000)) * 1000, (long)times[i][0]!);
            Assert.True(times[i][1] is null || Equals(times[i][1], times[i][0]));
            Assert.True(times[i][2] is null || Equals(times[i][2], times[i][0]));
            Assert.True(times[i][3] is null || (long)times[i][3]! > (long)times[i][0]!);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Subtasks_together_generate_every_event_exactly_once(int parallelism)
    {
        var config = Small with { EventsNum = 1001 };
        var whole = Rows(config, AllFields);
        var byTime = new Dictionary<long, object?[]>();
        for (var subtask = 0; subtask < parallelism; subtask++)
        {
            var generator = new NexmarkGenerator(config, subtask, parallelism);
            var previous = long.MinValue;
            foreach (var row in Drain(generator, new NexmarkProjection(AllFields), 64))
            {
                var time = (long)row[1]!;
                Assert.True(time > previous, "each subtask's events are in event-time order");
                previous = time;
                Assert.True(byTime.TryAdd(time, row), $"event at {time} generated twice");
            }
        }

        // At 1000 events/s each event has its own millisecond, so dateTime names the event.
        Assert.Equal(whole.Count, byTime.Count);
        foreach (var row in whole)
            Assert.Equal(row, byTime[(long)row[1]!]);
    }

    [Fact]
    public void Batch_size_and_restoring_a_position_do_not_change_the_events()
    {
        var projection = new NexmarkProjection(AllFields);
        var inOne = Drain(new NexmarkGenerator(Small), projection, 5000);
        var inSevens = Drain(new NexmarkGenerator(Small), projection, 7);
        Assert.Equal(inOne, inSevens);

        var generator = new NexmarkGenerator(Small, subtask: 1, parallelism: 2);
        generator.NextBatch(projection, 333);
        var restored = new NexmarkGenerator(Small, subtask: 1, parallelism: 2, position: generator.Position);
        Assert.Equal(1 + (333 * 2), restored.NextEventNumber);
        Assert.Equal(Drain(generator, projection, 100), Drain(restored, projection, 100));
    }

    [Fact]
    public void A_view_of_one_kind_holds_the_same_values_as_those_rows_of_the_table()
    {
        var bidFields = NexmarkSchema.BidFields.Prepend(NexmarkField.DateTime).ToArray();
        var view = Rows(Small, bidFields, NexmarkEventType.Bid);
        var table = Rows(Small, bidFields.Prepend(NexmarkField.EventType).ToArray())
            .Where(r => (int)r[0]! == 2).Select(r => r[1..]).ToList();

        Assert.Equal(4600, view.Count);
        Assert.Equal(table, view);
        Assert.All(view, r => Assert.DoesNotContain(null, r));
    }

    [Fact]
    public void Strings_have_Nexmark_shapes()
    {
        var people = Rows(Small, NexmarkSchema.PersonFields, NexmarkEventType.Person);
        Assert.All(people, p =>
        {
            Assert.Matches(NameShape(), (string)p[1]!);
            Assert.Matches(EmailShape(), (string)p[2]!);
            Assert.Matches(CardShape(), (string)p[3]!);
            Assert.Contains((string)p[5]!, new[] { "AZ", "CA", "ID", "OR", "WA", "WY" });
        });

        // A bid's fixed fields are 4 longs (32 bytes); its extra pads to 100 on average: 68 ± 20 %, i.e. 54 to 81 letters.
        var bids = Rows(Small, [NexmarkField.BidChannel, NexmarkField.BidUrl, NexmarkField.BidExtra], NexmarkEventType.Bid);
        Assert.All(bids, b =>
        {
            Assert.InRange(((string)b[2]!).Length, 54, 81);
            Assert.Matches("^[a-z]+$", (string)b[2]!);
            Assert.StartsWith("https://www.nexmark.com/", (string)b[1]!);
        });
        Assert.InRange(bids.Count(b => b[0] is "Google" or "Facebook" or "Baidu" or "Apple"), 4600 * 45 / 100, 4600 * 55 / 100);
    }

    [Fact]
    public void Columns_without_strings_cost_no_allocation_per_event()
    {
        var config = Small with { EventsNum = 0 };
        var projection = new NexmarkProjection([NexmarkField.BidAuction, NexmarkField.BidPrice, NexmarkField.DateTime], NexmarkEventType.Bid);
        new NexmarkGenerator(config).NextBatch(projection, 100); // static tables built once

        var generator = new NexmarkGenerator(config);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
            generator.NextBatch(projection, 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 1M events make 920k bid rows of three longs (24 bytes each, 22 MB); per batch, a few small objects.
        Assert.InRange(allocated, 920_000 * 24, (920_000 * 24) + (100 * 2_000));
    }

    [Fact]
    public void Bad_settings_and_requests_are_clear_errors()
    {
        Assert.Contains("first-event.rate", Assert.Throws<PyStreamException>(() => new NexmarkGenerator(Small with { FirstEventRate = 0 })).Message);
        Assert.Contains("proportions", Assert.Throws<PyStreamException>(() => new NexmarkGenerator(Small with { PersonProportion = 0 })).Message);
        Assert.Contains("subtask 2 of parallelism 2", Assert.Throws<PyStreamException>(() => new NexmarkGenerator(Small, 2, 2)).Message);
        Assert.Contains("person.name", Assert.Throws<PyStreamException>(() => new NexmarkProjection([NexmarkField.PersonName], NexmarkEventType.Bid)).Message);
        Assert.Contains("twice", Assert.Throws<PyStreamException>(() => new NexmarkProjection([NexmarkField.BidPrice, NexmarkField.BidPrice])).Message);
        Assert.Contains("at least one event", Assert.Throws<PyStreamException>(() => new NexmarkGenerator(Small).NextBatch(new NexmarkProjection([]), 0)).Message);
    }

    [Fact]
    public void An_unbounded_generator_keeps_going_and_a_bounded_one_ends()
    {
        var projection = new NexmarkProjection([NexmarkField.EventType]);
        var endless = new NexmarkGenerator(Small with { EventsNum = 0 });
        for (var i = 0; i < 3; i++)
            Assert.Equal(10_000, endless.NextBatch(projection, 10_000)!.Count);

        var bounded = new NexmarkGenerator(Small with { EventsNum = 10 }, subtask: 1, parallelism: 4);
        Assert.Equal(3, bounded.NextBatch(projection, 100)!.Count); // events 1, 5, 9
        Assert.Null(bounded.NextBatch(projection, 100));
    }

    private static List<object?[]> Rows(NexmarkConfig config, IReadOnlyList<NexmarkField> fields, NexmarkEventType? only = null) =>
        Drain(new NexmarkGenerator(config), new NexmarkProjection(fields, only), 1000);

    private static List<object?[]> Drain(NexmarkGenerator generator, NexmarkProjection projection, int batchSize)
    {
        var rows = new List<object?[]>();
        while (generator.NextBatch(projection, batchSize) is { } batch)
        {
            for (var r = 0; r < batch.Count; r++)
                rows.Add(batch.Columns.Select(c => c.GetBoxed(r)).ToArray());
        }

        return rows;
    }

    [GeneratedRegex("^[A-Z][a-z]+ [A-Z][a-z]+$")]
    private static partial Regex NameShape();

    [GeneratedRegex(@"^([a-z]([a-z ]*[a-z])?)?@([a-z]([a-z ]*[a-z])?)?\.com$")]
    private static partial Regex EmailShape();

    [GeneratedRegex(@"^\d{4} \d{4} \d{4} \d{4}$")]
    private static partial Regex CardShape();
}
