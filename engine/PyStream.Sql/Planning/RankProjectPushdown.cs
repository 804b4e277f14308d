namespace PyStream.Sql.Planning;

/// <summary>
/// Narrows a rank's input to the columns used above it (Flink's CalcRankTransposeRule, applied to
/// a Calc over a Rank): the rank keeps the columns the Calc reads, its partition keys and its sort
/// keys, so it (and whatever is below it, such as a join: the new Calc over the input is narrowed
/// further by <see cref="JoinProjectPushdown"/>) stores and emits no column nobody uses. Only over
/// an append-only input: a rank over a changelog finds the row a retraction takes out by all its
/// values, which a narrower row could mistake for another (Flink keeps the input's unique keys for that).
/// </summary>
public static class RankProjectPushdown
{
    /// <summary>The Calc over a rank of a narrowed input, or null when the rank's every input column is used (or the rule does not apply).</summary>
    public static CalcNode? Apply(CalcNode calc, RankNode rank)
    {
        if (rank.Window is not null || rank.Input.IsChangelog)
            return null;
        var width = rank.Input.Fields.Count;
        var used = new SortedSet<int>(calc.Projections.SelectMany(JoinProjectPushdown.Reads).Where(i => i < width));
        if (calc.Condition is not null)
            used.UnionWith(JoinProjectPushdown.Reads(calc.Condition).Where(i => i < width));
        used.UnionWith(rank.PartitionKeys);
        used.UnionWith(rank.OrderKeys.Select(k => k.Column));
        if (used.Count == 0)
            used.Add(0); // a row of no columns is not a row here
        if (used.Count == width)
            return null;

        var kept = used.ToArray();
        var position = new Dictionary<int, int>();
        for (var i = 0; i < kept.Length; i++)
            position[kept[i]] = i;
        if (rank.OutputRankNumber)
            position[width] = kept.Length;
        var input = JoinProjectPushdown.Narrowed(rank.Input, kept);
        // A new node, not a `with` copy: a plan node's Fields are set from its output when it is made.
        var narrowed = new RankNode(
            input,
            rank.PartitionKeys.Select(k => position[k]).ToArray(),
            rank.OrderKeys.Select(k => k with { Column = position[k.Column] }).ToArray(),
            rank.RankStart,
            rank.RankEnd,
            rank.OutputRankNumber,
            null,
            [.. kept.Select(i => rank.Output[i]), .. rank.OutputRankNumber ? [rank.Output[width]] : Array.Empty<PlanField>()]);
        return calc with
        {
            Input = narrowed,
            Condition = calc.Condition is null ? null : JoinProjectPushdown.Remap(calc.Condition, position),
            Projections = calc.Projections.Select(p => JoinProjectPushdown.Remap(p, position)).ToArray(),
        };
    }
}
