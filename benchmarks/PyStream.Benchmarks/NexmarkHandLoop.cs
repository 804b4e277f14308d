using System.Runtime.InteropServices;
using PyStream.Engine.Records;
using PyStream.Sql.Connectors.Nexmark;

namespace PyStream.Benchmarks;

/// <summary>
/// Nexmark q0, q1, q2 and q5's windowed count written by hand over the generator's bid columns:
/// the reference that the SQL run of the same queries is measured against. Each consumes its
/// results into a checksum that does not depend on the order of result rows (a sum of row hashes),
/// so the SQL run's sink can compute the same number from its output and the two can be compared.
/// Strings enter a row's hash by length only, so hashing does not cost more than the query.
/// </summary>
internal static class NexmarkHandLoop
{
    /// <summary>Events the source asks the generator for at a time.</summary>
    public const int BatchEvents = 8192;

    public const long HopSizeUs = 10_000_000;

    public const long HopSlideUs = 2_000_000;

    /// <summary>The DDL's watermark: <c>dateTime - INTERVAL '4' SECOND</c>.</summary>
    public const long WatermarkDelayUs = 4_000_000;

    public static readonly NexmarkField[] PassThroughFields =
        [NexmarkField.BidAuction, NexmarkField.BidBidder, NexmarkField.BidPrice, NexmarkField.DateTime, NexmarkField.BidExtra];

    /// <summary>Only generates the bid columns that q0 and q1 read: what the source costs alone.</summary>
    public static long GenerateOnly(NexmarkConfig config)
    {
        var generator = new NexmarkGenerator(config);
        var projection = new NexmarkProjection(PassThroughFields, NexmarkEventType.Bid);
        var rows = 0L;
        while (generator.NextBatch(projection, BatchEvents) is { } batch)
            rows += batch.Count;
        return rows;
    }

    /// <summary>q0: <c>SELECT auction, bidder, price, dateTime, extra FROM bid</c>.</summary>
    public static long Q0(NexmarkConfig config) => PassThrough<Dollars>(config);

    /// <summary>q1: <c>SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid</c>; price DECIMAL(23, 3).</summary>
    public static long Q1(NexmarkConfig config) => PassThrough<Euros>(config);

    /// <summary>q2: <c>SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0</c>.</summary>
    public static long Q2(NexmarkConfig config)
    {
        var generator = new NexmarkGenerator(config);
        var projection = new NexmarkProjection([NexmarkField.BidAuction, NexmarkField.BidPrice], NexmarkEventType.Bid);
        var checksum = 0L;
        while (generator.NextBatch(projection, BatchEvents) is { } batch)
        {
            var auction = ((Column<long>)batch.Columns[0]).Values;
            var price = ((Column<long>)batch.Columns[1]).Values;
            for (var r = 0; r < batch.Count; r++)
            {
                if (auction[r] % 123 == 0)
                    checksum += RowHash.Of(auction[r], price[r]);
            }
        }

        return checksum;
    }

    /// <summary>
    /// q5's windowed count: <c>SELECT auction, window_start, window_end, COUNT(*) FROM
    /// TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
    /// GROUP BY auction, window_start, window_end</c>, windows fired when the watermark
    /// (dateTime - 4 s, advanced after every batch) passes their end. Counted per 2 s pane and
    /// merged over the window's 5 panes when it fires, as Flink's sliced window aggregation does.
    /// Returns the checksum and the sum of all counts (5 × the bids: every bid is in 5 windows).
    /// </summary>
    public static (long Checksum, long CountSum) Q5(NexmarkConfig config)
    {
        var generator = new NexmarkGenerator(config);
        var projection = new NexmarkProjection([NexmarkField.BidAuction, NexmarkField.DateTime], NexmarkEventType.Bid);
        var windows = new HopWindowCounts();
        while (generator.NextBatch(projection, BatchEvents) is { } batch)
        {
            var auction = ((Column<long>)batch.Columns[0]).Values;
            var dateTime = ((Column<long>)batch.Columns[1]).Values;
            for (var r = 0; r < batch.Count; r++)
                windows.Add(auction[r], dateTime[r]);
            if (batch.Count > 0)
                windows.FireUpTo(dateTime[batch.Count - 1] - WatermarkDelayUs);
        }

        windows.FireUpTo(long.MaxValue);
        return (windows.Checksum, windows.CountSum);
    }

    /// <summary>Every bid's auction, bidder, price (as <typeparamref name="TPrice"/> makes it), dateTime and extra.</summary>
    private static long PassThrough<TPrice>(NexmarkConfig config)
        where TPrice : IPriceHash
    {
        var generator = new NexmarkGenerator(config);
        var projection = new NexmarkProjection(PassThroughFields, NexmarkEventType.Bid);
        var checksum = 0L;
        while (generator.NextBatch(projection, BatchEvents) is { } batch)
        {
            var auction = ((Column<long>)batch.Columns[0]).Values;
            var bidder = ((Column<long>)batch.Columns[1]).Values;
            var price = ((Column<long>)batch.Columns[2]).Values;
            var dateTime = ((Column<long>)batch.Columns[3]).Values;
            var extra = ((Column<string>)batch.Columns[4]).Values;
            for (var r = 0; r < batch.Count; r++)
                checksum += RowHash.Of(auction[r], bidder[r], TPrice.Of(price[r]), dateTime[r], extra[r].Length);
        }

        return checksum;
    }

    /// <summary>The price column of a pass-through query, as it enters the row hash (a generic argument, so the JIT inlines it).</summary>
    private interface IPriceHash
    {
        static abstract long Of(long price);
    }

    private readonly struct Dollars : IPriceHash
    {
        public static long Of(long price) => price;
    }

    private readonly struct Euros : IPriceHash
    {
        /// <summary>DECIMAL(4, 3) times BIGINT as DECIMAL(19, 0) is DECIMAL(23, 3): C#'s decimal keeps scale 3 exactly.</summary>
        public static long Of(long price) => RowHash.OfDecimal(0.908m * price);
    }

    /// <summary>
    /// Counts per auction of each 2 s pane, in pane order; a window is the sum of its 5 panes.
    /// Relies on the generator's bids arriving in event-time order (true of one subtask).
    /// </summary>
    private sealed class HopWindowCounts
    {
        private readonly Queue<(long Start, Dictionary<long, long> Counts)> _panes = new();
        private readonly Stack<Dictionary<long, long>> _free = new();
        private readonly Dictionary<long, long> _window = [];
        private Dictionary<long, long>? _current;
        private long _currentStart = long.MinValue;
        private long _nextWindowStart = long.MinValue;

        public long Checksum { get; private set; }

        public long CountSum { get; private set; }

        public void Add(long auction, long timestampUs)
        {
            if (_current is null || timestampUs - _currentStart >= HopSlideUs)
            {
                _currentStart = timestampUs - Mod(timestampUs, HopSlideUs);
                _current = _free.Count > 0 ? _free.Pop() : [];
                _panes.Enqueue((_currentStart, _current));
                if (_nextWindowStart == long.MinValue)
                    _nextWindowStart = _currentStart - HopSizeUs + HopSlideUs;
            }

            CollectionsMarshal.GetValueRefOrAddDefault(_current!, auction, out _)++;
        }

        /// <summary>Fires every window whose last millisecond is at or before the watermark.</summary>
        public void FireUpTo(long watermarkUs)
        {
            while (_panes.Count > 0 && _nextWindowStart + HopSizeUs - 1000 <= watermarkUs)
            {
                var start = _nextWindowStart;
                var end = start + HopSizeUs;
                _window.Clear();
                foreach (var (paneStart, counts) in _panes)
                {
                    if (paneStart >= end)
                        break;
                    foreach (var (auction, count) in counts)
                        CollectionsMarshal.GetValueRefOrAddDefault(_window, auction, out _) += count;
                }

                foreach (var (auction, count) in _window)
                {
                    Checksum += RowHash.Of(auction, start, end, count);
                    CountSum += count;
                }

                _nextWindowStart += HopSlideUs;
                while (_panes.Count > 0 && _panes.Peek().Start < _nextWindowStart)
                {
                    var (_, done) = _panes.Dequeue();
                    done.Clear();
                    _free.Push(done);
                }
            }
        }

        private static long Mod(long value, long divisor) => ((value % divisor) + divisor) % divisor;
    }
}
