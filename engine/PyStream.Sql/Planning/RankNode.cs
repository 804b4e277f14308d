using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>
/// ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) filtered by a constant rank range (Flink's
/// Rank): the rows ranked <see cref="RankStart"/> to <see cref="RankEnd"/> of each partition,
/// the input's columns then, when <see cref="OutputRankNumber"/>, the rank. A query that ranks
/// without such a filter binds with <see cref="RankEnd"/> null and is refused when planned.
/// Partitioned by window_start and window_end of a window TVF or window aggregate
/// (<see cref="Window"/>), it ranks each window once, when the window closes (WindowRank).
/// </summary>
public sealed record RankNode(
    PlanNode Input,
    IReadOnlyList<int> PartitionKeys,
    IReadOnlyList<SortKey> OrderKeys,
    long RankStart,
    long? RankEnd,
    bool OutputRankNumber,
    RankWindow? Window,
    IReadOnlyList<PlanField> Output) : PlanNode(Output)
{
    /// <summary>The name of the rank column in the rank's own output (Flink's first over aggregate's name).</summary>
    public const string RankColumn = "w0$o0";

    public override IReadOnlyList<PlanNode> Inputs => [Input];

    /// <summary>
    /// Keep-first on a time attribute is append-only (Flink's first-row deduplications: proctime
    /// emits the first row, rowtime the earliest one when the watermark passes it); window
    /// ranks emit each window once; every other rank updates rows it emitted.
    /// </summary>
    public override bool IsChangelog => Window is null && Deduplication is not { KeepLastRow: false };

    /// <summary>
    /// As Flink's StreamPhysicalDeduplicateRule: ROW_NUMBER ranking 1 to 1 by one time attribute
    /// of an append-only input, the rank not in the output, is a deduplication: ascending keeps the
    /// first row per partition, descending the last.
    /// </summary>
    public RankDeduplication? Deduplication =>
        Window is null && RankStart == 1 && RankEnd == 1 && !OutputRankNumber && OrderKeys.Count == 1 && !Input.IsChangelog
        && Input.Fields[OrderKeys[0].Column].Type.TimeAttribute is var time and not TimeAttribute.None
            ? new RankDeduplication(OrderKeys[0].Descending, time == TimeAttribute.Rowtime, OrderKeys[0].Column)
            : null;
}

/// <summary>A deduplication: which row it keeps per key, and whether by event time (comparing rowtimes) or by arrival.</summary>
public sealed record RankDeduplication(bool KeepLastRow, bool RowTime, int TimeColumn);

/// <summary>The window columns a window rank partitions by, the window they came from, and the type of the time its windows are of.</summary>
public sealed record RankWindow(int StartColumn, int EndColumn, WindowDefinition Definition, SqlType TimeType)
{
    public bool ProcTime => TimeType.TimeAttribute == TimeAttribute.Proctime;
}
