namespace PyStream.Engine.Cep;

/// <summary>What the NFA compiler refuses before it builds states, each error naming the construct.</summary>
internal static class PatternChecks
{
    /// <summary>
    /// Checks the pattern and returns it with <c>times(0, n)</c>-style quantifiers written as
    /// optional ones from 1 (as Flink's <c>times</c> does).
    /// </summary>
    public static PatternDefinition Normalize(PatternDefinition pattern)
    {
        if (pattern.Stages.Count == 0)
            throw new CepPatternException("a pattern needs at least one stage");
        if (pattern.WithinMillis is <= 0)
            throw new CepPatternException($"within of the pattern must be positive, not {pattern.WithinMillis} ms");
        var normalized = pattern with { Stages = NormalizeStages(pattern.Stages, "the pattern") };

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stage in NfaCompiler.AllStages(normalized.Stages).Where(s => s.Group is null))
        {
            if (!names.Add(stage.Name))
                throw new CepPatternException($"stage name '{stage.Name}' is used twice; stage names must be unique");
        }

        if (CanMatchEmpty(normalized.Stages))
            throw new CepPatternException("the pattern can match the empty sequence (every stage is optional); make at least one stage mandatory");
        var last = normalized.Stages[^1];
        if (last.Kind == StageKind.NotFollowedBy && !HasWindow(normalized, last))
            throw new CepPatternException($"not_followed_by('{last.Name}') as the last stage needs a within(...) on the pattern");
        var skip = normalized.Skip;
        if (skip.Kind is AfterMatchSkipKind.SkipToFirst or AfterMatchSkipKind.SkipToLast && (skip.Stage is null || !names.Contains(skip.Stage)))
        {
            var strategy = skip.Kind == AfterMatchSkipKind.SkipToFirst ? "skip_to_first" : "skip_to_last";
            throw new CepPatternException($"{strategy}('{skip.Stage}') names no stage of the pattern (stages: {string.Join(", ", names)})");
        }

        return normalized;
    }

    private static bool HasWindow(PatternDefinition pattern, PatternStage stage) =>
        pattern.WithinMillis is not null || stage.WithinMillis is not null || stage.PreviousWithinMillis is not null
        || (pattern.WithinType == WithinType.FirstAndLast && NfaCompiler.AllStages(pattern.Stages).Any(s => s.WithinMillis is not null));

    private static IReadOnlyList<PatternStage> NormalizeStages(IReadOnlyList<PatternStage> stages, string where)
    {
        if (stages.Count == 0)
            throw new CepPatternException($"the group pattern in {where} has no stages");
        var result = new List<PatternStage>(stages.Count);
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            if (string.IsNullOrEmpty(stage.Name))
                throw new CepPatternException($"stage {i} of {where} has no name");
            var name = $"stage '{stage.Name}'";
            CheckCondition(stage.Condition, name, "condition");
            CheckCondition(stage.Until, name, "until condition");
            if (stage.WithinMillis is <= 0)
                throw new CepPatternException($"within of {name} must be positive, not {stage.WithinMillis} ms");
            if (stage.PreviousWithinMillis is <= 0)
                throw new CepPatternException($"within(..., PREVIOUS_AND_CURRENT) of {name} must be positive, not {stage.PreviousWithinMillis} ms");
            var q = stage.Quantifier;
            if (q.Min < 0 || q.Max < 0 || q.Max < q.Min || q.Max == 0)
                throw new CepPatternException($"{name}: quantifier bounds ({q.Min}, {q.Max?.ToString() ?? "unbounded"}) are invalid; need 0 <= from <= to, to >= 1");
            if (q.WithinMillis is <= 0)
                throw new CepPatternException($"{name}: the window given with its quantifier must be positive, not {q.WithinMillis} ms");
            if (q.Min == 0)
                q = q with { Min = 1, Optional = true };
            if (stage.Kind != StageKind.Take)
            {
                if (i == 0)
                    throw new CepPatternException($"{name}: a pattern cannot begin with {KindName(stage.Kind)}");
                if (q.Min != 1 || q.Max != 1 || q.Optional || q.Greedy)
                    throw new CepPatternException($"{name}: {KindName(stage.Kind)} takes no quantifier (times, one_or_more, optional, greedy)");
                if (stages[i - 1].Quantifier.Optional || stages[i - 1].Quantifier.Min == 0)
                    throw new CepPatternException($"{name}: an optional stage followed by {KindName(stage.Kind)} is not supported (as in Flink); use two patterns, with and without the optional stage");
                if (stage.Group is not null)
                    throw new CepPatternException($"{name}: {KindName(stage.Kind)} cannot take a group pattern");
            }

            if (q.Greedy && q.Max == 1)
                throw new CepPatternException($"{name}: greedy applies only to looping or times quantifiers");
            if (q.Greedy && q.Inner == Contiguity.NonDeterministicRelaxed)
                throw new CepPatternException($"{name}: greedy cannot be combined with allow_combinations");
            if (stage.Until >= 0 && q.Max is not null)
                throw new CepPatternException($"{name}: until applies only to looping stages (one_or_more, times_or_more)");
            var group = stage.Group is { } inner ? NormalizeStages(inner, $"group stage '{stage.Name}'") : null;
            if (group is not null && CanMatchEmpty(group))
                throw new CepPatternException($"{name}: the group can match the empty sequence (every stage in it is optional)");
            result.Add(stage with { Quantifier = q, Group = group });
        }

        return result;
    }

    private static void CheckCondition(int condition, string stage, string what)
    {
        if (condition < -1 || condition >= NfaCompiler.MaxConditions)
            throw new CepPatternException($"{stage}: {what} number {condition} is out of range; a pattern has at most {NfaCompiler.MaxConditions} conditions");
    }

    private static string KindName(StageKind kind) => kind == StageKind.NotNext ? "not_next" : "not_followed_by";

    /// <summary>Whether every stage that takes events may be skipped.</summary>
    private static bool CanMatchEmpty(IReadOnlyList<PatternStage> stages) =>
        stages.Where(s => s.Kind == StageKind.Take).All(s => s.Quantifier.Optional || (s.Group is { } group && CanMatchEmpty(group)));
}
