namespace PyStream.Sql.Connectors.Nexmark;

/// <summary>
/// A column the generator can fill: the table's own <c>event_type</c> and <c>dateTime</c>, and
/// every leaf field of its <c>person</c>, <c>auction</c> and <c>bid</c> rows (Flink Nexmark's
/// field definitions). <see cref="NexmarkSchema"/> gives each one's name and SQL type.
/// </summary>
public enum NexmarkField
{
    EventType,
    DateTime,

    PersonId,
    PersonName,
    PersonEmailAddress,
    PersonCreditCard,
    PersonCity,
    PersonState,
    PersonDateTime,
    PersonExtra,

    AuctionId,
    AuctionItemName,
    AuctionDescription,
    AuctionInitialBid,
    AuctionReserve,
    AuctionDateTime,
    AuctionExpires,
    AuctionSeller,
    AuctionCategory,
    AuctionExtra,

    BidAuction,
    BidBidder,
    BidPrice,
    BidChannel,
    BidUrl,
    BidDateTime,
    BidExtra,
}
