using PyStream.Sql.Types;

namespace PyStream.Sql.Connectors.Nexmark;

/// <summary>
/// Names and SQL types of the generator's columns, and the row types of Flink Nexmark's
/// <c>nexmark</c> table (<c>event_type INT, person ROW&lt;…&gt;, auction ROW&lt;…&gt;,
/// bid ROW&lt;…&gt;, dateTime TIMESTAMP(3)</c>) and of its views <c>person</c>, <c>auction</c> and
/// <c>bid</c> (the row's fields with the table's <c>dateTime</c>).
/// </summary>
public static class NexmarkSchema
{
    private static readonly SqlType Timestamp3 = SqlType.Timestamp(3);

    public static IReadOnlyList<NexmarkField> PersonFields { get; } =
    [
        NexmarkField.PersonId, NexmarkField.PersonName, NexmarkField.PersonEmailAddress, NexmarkField.PersonCreditCard,
        NexmarkField.PersonCity, NexmarkField.PersonState, NexmarkField.PersonDateTime, NexmarkField.PersonExtra,
    ];

    public static IReadOnlyList<NexmarkField> AuctionFields { get; } =
    [
        NexmarkField.AuctionId, NexmarkField.AuctionItemName, NexmarkField.AuctionDescription, NexmarkField.AuctionInitialBid,
        NexmarkField.AuctionReserve, NexmarkField.AuctionDateTime, NexmarkField.AuctionExpires, NexmarkField.AuctionSeller,
        NexmarkField.AuctionCategory, NexmarkField.AuctionExtra,
    ];

    public static IReadOnlyList<NexmarkField> BidFields { get; } =
    [
        NexmarkField.BidAuction, NexmarkField.BidBidder, NexmarkField.BidPrice, NexmarkField.BidChannel,
        NexmarkField.BidUrl, NexmarkField.BidDateTime, NexmarkField.BidExtra,
    ];

    /// <summary>The <c>nexmark</c> table: one row per event, the rows of the other two kinds null.</summary>
    public static SqlType NexmarkTable { get; } = SqlType.Row(
    [
        new("event_type", SqlType.Int),
        new("person", SqlType.Row(PersonFields.Select(Field).ToList())),
        new("auction", SqlType.Row(AuctionFields.Select(Field).ToList())),
        new("bid", SqlType.Row(BidFields.Select(Field).ToList())),
        new("dateTime", Timestamp3),
    ]);

    public static SqlType PersonView { get; } = SqlType.Row(PersonFields.Select(Field).ToList());

    public static SqlType AuctionView { get; } = SqlType.Row(AuctionFields.Select(Field).ToList());

    public static SqlType BidView { get; } = SqlType.Row(BidFields.Select(Field).ToList());

    /// <summary>The field's name within its row (<c>auction</c> for <see cref="NexmarkField.BidAuction"/>).</summary>
    public static string Name(NexmarkField field) => field switch
    {
        NexmarkField.EventType => "event_type",
        NexmarkField.DateTime or NexmarkField.PersonDateTime or NexmarkField.AuctionDateTime or NexmarkField.BidDateTime => "dateTime",
        NexmarkField.PersonId or NexmarkField.AuctionId => "id",
        NexmarkField.PersonName => "name",
        NexmarkField.PersonEmailAddress => "emailAddress",
        NexmarkField.PersonCreditCard => "creditCard",
        NexmarkField.PersonCity => "city",
        NexmarkField.PersonState => "state",
        NexmarkField.PersonExtra or NexmarkField.AuctionExtra or NexmarkField.BidExtra => "extra",
        NexmarkField.AuctionItemName => "itemName",
        NexmarkField.AuctionDescription => "description",
        NexmarkField.AuctionInitialBid => "initialBid",
        NexmarkField.AuctionReserve => "reserve",
        NexmarkField.AuctionExpires => "expires",
        NexmarkField.AuctionSeller => "seller",
        NexmarkField.AuctionCategory => "category",
        NexmarkField.BidAuction => "auction",
        NexmarkField.BidBidder => "bidder",
        NexmarkField.BidPrice => "price",
        NexmarkField.BidChannel => "channel",
        NexmarkField.BidUrl => "url",
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };

    public static SqlType Type(NexmarkField field) => field switch
    {
        NexmarkField.EventType => SqlType.Int,
        NexmarkField.DateTime or NexmarkField.PersonDateTime or NexmarkField.AuctionDateTime or NexmarkField.BidDateTime
            or NexmarkField.AuctionExpires => Timestamp3,
        NexmarkField.PersonId or NexmarkField.AuctionId or NexmarkField.AuctionInitialBid or NexmarkField.AuctionReserve
            or NexmarkField.AuctionSeller or NexmarkField.AuctionCategory or NexmarkField.BidAuction or NexmarkField.BidBidder
            or NexmarkField.BidPrice => SqlType.BigInt,
        _ => SqlType.String,
    };

    /// <summary>The kind of event the field belongs to; null for the table's own columns.</summary>
    public static NexmarkEventType? EventTypeOf(NexmarkField field) => field switch
    {
        >= NexmarkField.PersonId and <= NexmarkField.PersonExtra => NexmarkEventType.Person,
        >= NexmarkField.AuctionId and <= NexmarkField.AuctionExtra => NexmarkEventType.Auction,
        >= NexmarkField.BidAuction and <= NexmarkField.BidExtra => NexmarkEventType.Bid,
        _ => null,
    };

    private static SqlField Field(NexmarkField field) => new(Name(field), Type(field));
}
