using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>
/// State retention by watermark for a regular inner join (PyStream's, not Flink's: Flink keeps such rows
/// until the state TTL). One side's column is a window aggregate's <c>window_end</c>, passed on unchanged
/// (the aligned side): a window aggregate emits a window once the watermark reaches its end - 1 and drops
/// the rows of windows that fired, so once that side's watermark is W, every later row of it has
/// window_end &gt;= W + 2 ms (a TUMBLE window's: the first of its ends from there). When the condition bounds
/// the other side's time column t from below by it, <c>t &gt;= window_end + c</c> (or <c>&gt;</c>), a row with
/// t below every such later end + c can match no later row of the aligned side; an inner join's output for a
/// row depends only on the other side's state, so such a row is dropped from its side's state (or, when it
/// comes already past, not kept) without changing any output. Nexmark q7's bids
/// (<c>B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime</c>) go once their window has
/// fired. The aligned side's rows are never dropped: the other side's rows are not bounded by any watermark
/// (a regular join keeps late rows).
/// </summary>
/// <param name="DropLeft">Whether the left side's rows are dropped (the right side is the aligned one), else the right side's.</param>
/// <param name="TimeColumn">The dropped side's time column t (a TIMESTAMP, in microseconds).</param>
/// <param name="OffsetMillis">c: a row goes once every later window_end e of the aligned side has e + c &gt; t.</param>
/// <param name="WindowSize">A TUMBLE window's size (0: another window), whose ends are <paramref name="WindowOffset"/> plus whole sizes.</param>
/// <param name="WindowOffset">The TUMBLE window's offset.</param>
public sealed record JoinRetention(bool DropLeft, int TimeColumn, long OffsetMillis, long WindowSize = 0, long WindowOffset = 0)
{
    /// <summary>The input whose watermark decides: the aligned side's.</summary>
    public int AlignedInput => DropLeft ? 1 : 0;

    /// <summary>
    /// The largest time (microseconds) a dropped side's row may have and go at the aligned side's watermark <paramref name="watermark"/>
    /// (long.MinValue: none). Windows of end e fire when the watermark reaches e - 1, so every later one ends at W + 2 ms or after:
    /// at the first TUMBLE end from there, e_min; a row can match none once t &lt; e_min + c (t &lt;= W + c for other windows).
    /// </summary>
    public long Threshold(long watermark)
    {
        if (watermark == long.MinValue)
            return long.MinValue;
        if (watermark >= long.MaxValue / 4000 || watermark + OffsetMillis >= long.MaxValue / 2000)
            return long.MaxValue; // the end of input (or past any time there is): no later row comes
        if (watermark <= long.MinValue / 4000 || watermark + OffsetMillis <= long.MinValue / 2000)
            return long.MinValue;
        if (WindowSize <= 0)
            return (watermark + OffsetMillis) * 1000;
        var earliest = watermark + 2;
        var past = ((earliest - WindowOffset) % WindowSize + WindowSize) % WindowSize;
        var nextEnd = past == 0 ? earliest : earliest - past + WindowSize;
        return (nextEnd + OffsetMillis) * 1000 - 1;
    }

    /// <summary>EXPLAIN's attribute: which side's rows go, and when.</summary>
    public string Describe(string timeColumn) =>
        $"{(DropLeft ? "left" : "right")} rows expire when every later window_end of {(DropLeft ? "right" : "left")} > {timeColumn}{(OffsetMillis <= 0 ? " + " + -OffsetMillis : " - " + OffsetMillis)}";

    /// <summary>The retention of an inner join's state (null: none applies), from its condition and where its inputs' columns come from.</summary>
    public static JoinRetention? Of(JoinNode join, SqlContext context)
    {
        if (join.Type != JoinType.Inner || join.Residual is null || join.Interval is not null)
            return null;
        return Find(join, dropLeft: true, context) ?? Find(join, dropLeft: false, context);
    }

    private static JoinRetention? Find(JoinNode join, bool dropLeft, SqlContext context)
    {
        var (dropped, alignedSide) = dropLeft ? (join.Left, join.Right) : (join.Right, join.Left);
        var (aligned, window) = AlignedEnds(alignedSide);
        if (aligned.Count == 0)
            return null;
        var (size, windowOffset) = window.Kind == WindowKind.Tumble ? (window.Size, window.Offset) : (0, 0);
        var width = join.Left.Fields.Count;
        var (droppedAt, alignedAt) = dropLeft ? (0, width) : (width, 0);
        bool InAligned(int column) => dropLeft ? column >= width : column < width;
        foreach (var conjunct in JoinFilterPushdown.Conjuncts(join.Residual!))
        {
            if (conjunct is not CallExpr { Function: ">=" or ">" or "<=" or "<", Operands: [var a, var b] } comparison
                || Term(a, context) is not { } x || Term(b, context) is not { } y || InAligned(x.Column) == InAligned(y.Column))
                continue;

            // As "t op e + c": t + p op e + q is t op e + (q - p), the comparison flipped when e is written first.
            var flipped = InAligned(x.Column);
            var (t, e) = flipped ? (y, x) : (x, y);
            var op = flipped ? comparison.Function switch { ">=" => "<=", ">" => "<", "<=" => ">=", _ => ">" } : comparison.Function;
            var column = t.Column - droppedAt;
            if (op is ">=" or ">" && aligned.Contains(e.Column - alignedAt) && dropped.Fields[column].Type.Kind == SqlTypeKind.Timestamp)
                return new JoinRetention(dropLeft, column, e.Offset - t.Offset, size, windowOffset);
        }

        return null;
    }

    /// <summary>
    /// The columns of <paramref name="node"/> that are a window aggregate's window_end passed on unchanged
    /// through projections and filters (a TUMBLE, HOP or CUMULATE window over a TIMESTAMP: its ends are the
    /// watermark's milliseconds; one over a TIMESTAMP_LTZ names them in the session's zone).
    /// </summary>
    private static (HashSet<int> Columns, WindowDefinition Window) AlignedEnds(PlanNode node)
    {
        switch (node)
        {
            case WindowAggregateNode w when w.Window.Kind is WindowKind.Tumble or WindowKind.Hop or WindowKind.Cumulate
                                            && w.Input.Fields[w.TimeIndex].Type.Kind == SqlTypeKind.Timestamp:
                return ([w.GroupKeys.Count + 1], w.Window);
            case CalcNode c:
                var (below, window) = AlignedEnds(c.Input);
                return (c.Projections.Select((p, i) => (p, i)).Where(x => x.p is InputRef r && below.Contains(r.Index)).Select(x => x.i).ToHashSet(), window);
            default:
                return ([], None);
        }
    }

    private static readonly WindowDefinition None = new(WindowKind.Session, 0, 0, 0, 0);

    /// <summary>A TIMESTAMP column of the joined row, plus or minus a constant interval (milliseconds).</summary>
    private static (int Column, long Offset)? Term(BoundExpr expr, SqlContext context)
    {
        switch (expr)
        {
            case InputRef r when r.Type.Kind == SqlTypeKind.Timestamp:
                return (r.Index, 0);
            case CallExpr { Function: "+" or "-", Operands: [var time, var interval] } c when IntervalJoins.Constant(interval, context) is { } ms:
                return Term(time, context) is { } t ? (t.Column, t.Offset + (c.Function == "+" ? ms : -ms)) : null;
            case CallExpr { Function: "+", Operands: [var interval, var time] } when IntervalJoins.Constant(interval, context) is { } ms:
                return Term(time, context) is { } u ? (u.Column, u.Offset + ms) : null;
            default:
                return null;
        }
    }
}
