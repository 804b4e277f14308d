namespace PyStream.Sql.Connectors.Nexmark;

/// <summary>The <c>event_type</c> column of Flink Nexmark's <c>nexmark</c> table.</summary>
public enum NexmarkEventType
{
    Person = 0,
    Auction = 1,
    Bid = 2,
}
