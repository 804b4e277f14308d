using PyStream.Engine.Records;
using PyStream.Sql.Connectors.Nexmark;

namespace PyStream.Benchmarks;

/// <summary>
/// The generator's events as typed column arrays, for the hand loops that read several kinds of
/// event (persons, auctions and bids in one stream, in event order): fields in the order asked for.
/// </summary>
internal sealed class NexmarkEvents(NexmarkConfig config, params NexmarkField[] fields)
{
    private readonly NexmarkGenerator _generator = new(config);
    private readonly NexmarkProjection _projection = new([NexmarkField.EventType, .. fields]);
    private RowBatch? _batch;

    public int Count => _batch?.Count ?? 0;

    /// <summary>Moves to the next batch; false at the end.</summary>
    public bool Next()
    {
        _batch = _generator.NextBatch(_projection, NexmarkHandLoop.BatchEvents);
        return _batch is not null;
    }

    public int[] Types => ((Column<int>)_batch!.Columns[0]).Values;

    /// <summary>The values of the <paramref name="field"/>-th field asked for (0-based, event type not counted).</summary>
    public long[] Longs(int field) => ((Column<long>)_batch!.Columns[field + 1]).Values;

    public string[] Strings(int field) => ((Column<string>)_batch!.Columns[field + 1]).Values;
}
