using PyStream.Engine;
using PyStream.Engine.Records;

namespace PyStream.Sql.Connectors.Nexmark;

/// <summary>
/// Flink Nexmark's event generator, writing straight into columns. Event <c>n</c> (0, 1, … over
/// all subtasks) is a person, an auction or a bid by <c>n mod 50</c>, its ids follow from
/// <c>n</c> (<see cref="NexmarkModel"/>) and its random fields from its own random stream seeded by
/// (seed, n), so an event is the same whichever subtask makes it and whichever columns are asked
/// for; strings are created only for the string columns asked for.
/// <para>
/// Subtask <c>i</c> of <c>p</c> generates events <c>i, i + p, i + 2p, …</c>. Flink's source gives
/// each subtask a contiguous block of event ids instead, on its own timeline (its k-th event at
/// <c>base + k × p × delay</c>), so its subtasks emit the same event times at the same moment.
/// Interleaving keeps that (here the k-th event of subtask i is at <c>base + (i + k × p) × delay</c>)
/// and also keeps every id relationship global: the union of the subtasks' events at any
/// parallelism is exactly the events of parallelism 1.
/// </para>
/// </summary>
public sealed class NexmarkGenerator
{
    private readonly NexmarkConfig _config;

    public NexmarkGenerator(NexmarkConfig config, int subtask = 0, int parallelism = 1, long position = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config.Validate();
        if (parallelism < 1 || subtask < 0 || subtask >= parallelism)
            throw new PyStreamException($"nexmark: subtask {subtask} of parallelism {parallelism} does not exist");
        if (position < 0)
            throw new PyStreamException($"nexmark: position must not be negative, got {position}");
        Subtask = subtask;
        Parallelism = parallelism;
        Position = position;
    }

    public NexmarkConfig Config => _config;

    public int Subtask { get; }

    public int Parallelism { get; }

    /// <summary>Events this subtask has generated: what a checkpoint stores, and what restores it.</summary>
    public long Position { get; private set; }

    /// <summary>Continues after <paramref name="position"/> events of this subtask (a restored checkpoint).</summary>
    public void Restore(long position)
    {
        if (position < 0)
            throw new PyStreamException($"nexmark: position must not be negative, got {position}");
        Position = position;
    }

    /// <summary>The number of the next event this subtask generates.</summary>
    public long NextEventNumber => Subtask + (Position * Parallelism);

    public bool HasNext => _config.EventsNum == 0 || NextEventNumber < _config.EventsNum;

    /// <summary>Event time of event <paramref name="n"/>, milliseconds since the epoch.</summary>
    public long TimestampMs(long n) => NexmarkModel.TimestampMs(_config, n);

    /// <summary>
    /// The next <paramref name="maxEvents"/> events of this subtask (fewer at the end) as a batch of
    /// the projection's columns: null when there are no more. Timestamps are microseconds since the
    /// epoch (TIMESTAMP(3)); with <see cref="NexmarkProjection.Only"/> the batch may have no rows.
    /// </summary>
    public RowBatch? NextBatch(NexmarkProjection projection, int maxEvents)
    {
        ArgumentNullException.ThrowIfNull(projection);
        if (maxEvents < 1)
            throw new PyStreamException($"nexmark: a batch must ask for at least one event, got {maxEvents}");
        if (!HasNext)
            return null;

        var first = NextEventNumber;
        long events = maxEvents;
        if (_config.EventsNum > 0)
            events = Math.Min(events, ((_config.EventsNum - 1 - first) / Parallelism) + 1);
        var rows = projection.Only is { } only ? CountOf(only, first, events) : (int)events;

        var target = new Target(projection, rows);
        var row = 0;
        for (var e = 0L; e < events; e++)
        {
            var n = first + (e * Parallelism);
            var type = NexmarkModel.TypeOf(_config, n);
            if (projection.Only is { } kind && kind != type)
                continue;
            var timestampUs = NexmarkModel.TimestampMs(_config, n) * 1000;
            target.EventType?[row] = (int)type;
            target.Longs[(int)NexmarkField.DateTime]?[row] = timestampUs;
            switch (type)
            {
                case NexmarkEventType.Person:
                    WritePerson(n, timestampUs, target, row);
                    break;
                case NexmarkEventType.Auction:
                    WriteAuction(n, timestampUs, target, row);
                    break;
                default:
                    WriteBid(n, timestampUs, target, row);
                    break;
            }

            row++;
        }

        Position += events;
        return target.ToBatch(projection.Only is null);
    }

    private int CountOf(NexmarkEventType kind, long first, long events)
    {
        var count = 0;
        for (var e = 0L; e < events; e++)
        {
            if (NexmarkModel.TypeOf(_config, first + (e * Parallelism)) == kind)
                count++;
        }

        return count;
    }

    private void WriteBid(long n, long timestampUs, Target target, int row)
    {
        var random = new NexmarkRandom(_config.Seed, n);
        var lastAuction = NexmarkModel.LastAuctionId(_config, n);
        var auction = random.NextInt(_config.HotAuctionRatio) > 0
            ? lastAuction / NexmarkModel.HotBlock * NexmarkModel.HotBlock
            : NexmarkModel.RandomAuctionId(_config, ref random, lastAuction);
        var lastPerson = NexmarkModel.LastPersonId(_config, n);
        // The second person of the hot block, so that hot bidders and hot sellers differ.
        var bidder = random.NextInt(_config.HotBiddersRatio) > 0
            ? (lastPerson / NexmarkModel.HotBlock * NexmarkModel.HotBlock) + 1
            : NexmarkModel.RandomPersonId(_config, ref random, lastPerson);
        var price = NexmarkModel.RandomPrice(ref random);
        string channel, url;
        if (random.NextInt(2) > 0)
        {
            var hot = random.NextInt(NexmarkStrings.HotChannels.Length);
            (channel, url) = (NexmarkStrings.HotChannels[hot], NexmarkStrings.HotUrls[hot]);
        }
        else
        {
            var number = random.NextInt(NexmarkStrings.ChannelCount);
            (channel, url) = (NexmarkStrings.Channels[number], NexmarkStrings.ChannelUrls[number]);
        }

        target.Longs[(int)NexmarkField.BidAuction]?[row] = auction + NexmarkModel.FirstAuctionId;
        target.Longs[(int)NexmarkField.BidBidder]?[row] = bidder + NexmarkModel.FirstPersonId;
        target.Longs[(int)NexmarkField.BidPrice]?[row] = price;
        target.Strings[(int)NexmarkField.BidChannel]?[row] = channel;
        target.Strings[(int)NexmarkField.BidUrl]?[row] = url;
        target.Longs[(int)NexmarkField.BidDateTime]?[row] = timestampUs;
        if (target.Strings[(int)NexmarkField.BidExtra] is { } extras)
            extras[row] = DrawExtra(ref random, 8 + 8 + 8 + 8, _config.AvgBidByteSize);
    }

    private void WriteAuction(long n, long timestampUs, Target target, int row)
    {
        var random = new NexmarkRandom(_config.Seed, n);
        var id = NexmarkModel.LastAuctionId(_config, n) + NexmarkModel.FirstAuctionId;
        var lastPerson = NexmarkModel.LastPersonId(_config, n);
        var seller = random.NextInt(_config.HotSellersRatio) > 0
            ? lastPerson / NexmarkModel.HotBlock * NexmarkModel.HotBlock
            : NexmarkModel.RandomPersonId(_config, ref random, lastPerson);
        var category = NexmarkModel.FirstCategoryId + random.NextInt(NexmarkModel.CategoryCount);
        var initialBid = NexmarkModel.RandomPrice(ref random);
        var timestampMs = timestampUs / 1000;
        var expiresMs = timestampMs + NexmarkModel.RandomAuctionLengthMs(_config, ref random, n, timestampMs);
        Span<char> nameBuffer = stackalloc char[20];
        var name = NexmarkStrings.DrawWord(ref random, 20, ' ', nameBuffer);
        Span<char> descriptionBuffer = stackalloc char[100];
        var description = NexmarkStrings.DrawWord(ref random, 100, ' ', descriptionBuffer);
        var reserve = initialBid + NexmarkModel.RandomPrice(ref random);

        target.Longs[(int)NexmarkField.AuctionId]?[row] = id;
        target.Strings[(int)NexmarkField.AuctionItemName]?[row] = new string(name);
        target.Strings[(int)NexmarkField.AuctionDescription]?[row] = new string(description);
        target.Longs[(int)NexmarkField.AuctionInitialBid]?[row] = initialBid;
        target.Longs[(int)NexmarkField.AuctionReserve]?[row] = reserve;
        target.Longs[(int)NexmarkField.AuctionDateTime]?[row] = timestampUs;
        target.Longs[(int)NexmarkField.AuctionExpires]?[row] = expiresMs * 1000;
        target.Longs[(int)NexmarkField.AuctionSeller]?[row] = seller + NexmarkModel.FirstPersonId;
        target.Longs[(int)NexmarkField.AuctionCategory]?[row] = category;
        if (target.Strings[(int)NexmarkField.AuctionExtra] is { } extras)
            extras[row] = DrawExtra(ref random, 8 + name.Length + description.Length + 8 + 8 + 8 + 8 + 8, _config.AvgAuctionByteSize);
    }

    private void WritePerson(long n, long timestampUs, Target target, int row)
    {
        var random = new NexmarkRandom(_config.Seed, n);
        var id = NexmarkModel.LastPersonId(_config, n) + NexmarkModel.FirstPersonId;
        var first = random.NextInt(NexmarkStrings.FirstNames.Length);
        var name = NexmarkStrings.FullNames[(first * NexmarkStrings.LastNames.Length) + random.NextInt(NexmarkStrings.LastNames.Length)];

        // emailAddress: word@word.com
        Span<char> wordBuffer = stackalloc char[7];
        Span<char> email = stackalloc char[7 + 1 + 5 + 4];
        var user = NexmarkStrings.DrawWord(ref random, 7, ' ', wordBuffer);
        user.CopyTo(email);
        var length = user.Length;
        email[length++] = '@';
        var domain = NexmarkStrings.DrawWord(ref random, 5, ' ', wordBuffer);
        domain.CopyTo(email[length..]);
        length += domain.Length;
        ".com".CopyTo(email[length..]);
        email = email[..(length + 4)];

        // creditCard: four groups of four digits
        Span<char> card = stackalloc char[19];
        for (var group = 0; group < 4; group++)
        {
            var digits = random.NextInt(10_000);
            for (var d = 3; d >= 0; d--, digits /= 10)
                card[(group * 5) + d] = (char)('0' + (digits % 10));
            if (group < 3)
                card[(group * 5) + 4] = ' ';
        }

        var city = NexmarkStrings.Cities[random.NextInt(NexmarkStrings.Cities.Length)];
        var state = NexmarkStrings.States[random.NextInt(NexmarkStrings.States.Length)];

        target.Longs[(int)NexmarkField.PersonId]?[row] = id;
        target.Strings[(int)NexmarkField.PersonName]?[row] = name;
        target.Strings[(int)NexmarkField.PersonEmailAddress]?[row] = new string(email);
        target.Strings[(int)NexmarkField.PersonCreditCard]?[row] = new string(card);
        target.Strings[(int)NexmarkField.PersonCity]?[row] = city;
        target.Strings[(int)NexmarkField.PersonState]?[row] = state;
        target.Longs[(int)NexmarkField.PersonDateTime]?[row] = timestampUs;
        if (target.Strings[(int)NexmarkField.PersonExtra] is { } extras)
            extras[row] = DrawExtra(ref random, 8 + name.Length + email.Length + card.Length + city.Length + state.Length, _config.AvgPersonByteSize);
    }

    private static string DrawExtra(ref NexmarkRandom random, int currentSize, int averageSize)
    {
        var length = NexmarkStrings.DrawExtraLength(ref random, currentSize, averageSize);
        return length == 0 ? "" : NexmarkStrings.Extra(NexmarkStrings.DrawExtraOffset(ref random, length), length);
    }

    /// <summary>The typed arrays of one batch, indexed by field (null where the field is not asked for).</summary>
    private sealed class Target
    {
        private readonly NexmarkProjection _projection;
        private readonly int _rows;
        private readonly int[]? _types;

        public Target(NexmarkProjection projection, int rows)
        {
            _projection = projection;
            _rows = rows;
            var fieldCount = projection.ColumnOf.Length;
            Longs = new long[]?[fieldCount];
            Strings = new string?[]?[fieldCount];
            foreach (var field in projection.Fields)
            {
                if (field == NexmarkField.EventType)
                    continue;
                if (NexmarkSchema.Type(field).ClrType == typeof(string))
                    Strings[(int)field] = new string?[rows];
                else
                    Longs[(int)field] = new long[rows];
            }

            // Kinds are kept when asked for or when they decide which fields are null.
            if (projection.Only is null || projection.Wants(NexmarkField.EventType))
                _types = new int[rows];
            EventType = _types;
        }

        public int[]? EventType { get; }

        public long[]?[] Longs { get; }

        public string?[]?[] Strings { get; }

        public RowBatch ToBatch(bool markOtherKindsNull)
        {
            var columns = new Column[_projection.Fields.Count];
            for (var c = 0; c < columns.Length; c++)
            {
                var field = _projection.Fields[c];
                bool[]? nulls = markOtherKindsNull && NexmarkSchema.EventTypeOf(field) is { } owner ? NullsOf(owner) : null;
                columns[c] = field == NexmarkField.EventType ? new Column<int>(_types!)
                    : Strings[(int)field] is { } strings ? new Column<string?>(strings, nulls)
                    : new Column<long>(Longs[(int)field]!, nulls);
            }

            return new RowBatch(columns, _rows);
        }

        private bool[]? NullsOf(NexmarkEventType owner)
        {
            bool[]? nulls = null;
            for (var row = 0; row < _rows; row++)
            {
                if (_types![row] != (int)owner)
                    (nulls ??= new bool[_rows])[row] = true;
            }

            return nulls;
        }
    }
}
