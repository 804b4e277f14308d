using PyStream.Engine.Cep;
using PyStream.Sql.Ast;
using PyStream.Sql.Compiling;
using PyStream.Sql.Expressions;
using PyStream.Sql.Printing;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

// MATCH_RECOGNIZE: the pattern translated as Flink's StreamExecMatch translates it (concatenation
// is strict contiguity, quantifiers loop consecutively and are greedy unless reluctant), the
// DEFINE conditions and measures bound over the match.
internal sealed partial class QueryBinder
{
    private PlanNode MatchRecognize(MatchRecognizeRef m)
    {
        var input = From(m.Input);
        if (input.IsChangelog)
            throw new SqlValidationException("Match Recognize doesn't support consuming update changes: its input is an updating table (a changelog, such as a GROUP BY's result); MATCH_RECOGNIZE needs an append-only input", m.Position);
        if (m.Rows == RowsPerMatch.AllRows)
            throw ExpressionBinder.Unsupported("ALL ROWS PER MATCH", m);
        var scope = new Scope(input.Fields);
        var partitionKeys = m.PartitionBy.Select(p => p is IdentifierExpr id
            ? scope.Resolve(id.Parts, id)
            : throw new SqlValidationException("MATCH_RECOGNIZE's PARTITION BY takes columns of its input", p.Position)).ToArray();
        var (orderIndex, tieOrder) = MatchOrder(m, scope);
        var order = input.Fields[orderIndex];

        var (stages, variables) = PatternStages(m.Pattern);
        var skip = AfterMatch(m.After, stages);
        long? within = m.Within is null ? null : WithinMillis(m.Within);

        var conditions = new List<MatchCondition>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in m.Define)
        {
            if (!variables.Contains(definition.Variable))
                throw new SqlValidationException($"DEFINE {definition.Variable}: '{definition.Variable}' is not a variable of PATTERN ({string.Join(", ", variables)})", definition.Position);
            if (!seen.Add(definition.Variable))
                throw new SqlValidationException($"DEFINE {definition.Variable}: the variable is defined twice", definition.Position);
            var navigator = new MatchNavigator(input.Fields, variables, definition.Variable, input.Fields.Count, order);
            var binder = new ExpressionBinder(scope, functions: catalog, match: navigator);
            var condition = Condition(binder, definition.Condition, $"DEFINE {definition.Variable}");
            RefusePython(condition, definition.Condition, $"DEFINE {definition.Variable}");
            conditions.Add(new MatchCondition(definition.Variable, condition, navigator.Navigations));
        }

        // Variables without DEFINE are always true (condition -1), as in Flink.
        stages = stages.Select(s => s with { Condition = conditions.FindIndex(c => c.Variable == s.Name) }).ToList();
        var pattern = new PatternDefinition(stages, skip) { WithinMillis = within };

        var keyFields = partitionKeys.Select(k => input.Fields[k] with { Qualifier = null, Type = Materialized(input.Fields[k].Type) }).ToArray();
        var measureNavigator = new MatchNavigator(input.Fields, variables, null, keyFields.Length, order);
        var measureBinder = new ExpressionBinder(new Scope([]), functions: catalog, match: measureNavigator);
        var measures = m.Measures.Select(item => measureBinder.Bind(item.Expr)).ToArray();
        for (var i = 0; i < measures.Length; i++)
            RefusePython(measures[i], m.Measures[i].Expr, $"the measure {m.Measures[i].Alias}");
        var measureFields = m.Measures.Select((item, i) => new PlanField(item.Alias!, measures[i].Type)).ToArray();
        if (keyFields.Length + measureFields.Length == 0)
            throw new SqlValidationException("MATCH_RECOGNIZE gives no columns: its rows are the PARTITION BY columns and the MEASURES; add either", m.Position);
        var explain = new MatchExplain(
            string.Join(", ", m.Measures.Select(i => i.Expr.ToSql() + " AS " + i.Alias)),
            SqlPrinter.SkipStrategy(m.After ?? new AfterMatchClause(AfterMatchKind.ToNextRow)),
            SqlPrinter.Pattern(m.Pattern),
            string.Join(", ", m.Define.Select(d => d.Variable + " AS " + d.Condition.ToSql())));
        var spec = new MatchSpec(partitionKeys, orderIndex, tieOrder, order.Type.TimeAttribute == TimeAttribute.Proctime, pattern, conditions, measures,
            measureNavigator.Navigations, explain);
        return new MatchNode(input, spec, [.. keyFields, .. measureFields]);
    }

    /// <summary>Conditions and measures are compiled into the match operator; a Python function there has no batch to run on.</summary>
    private static void RefusePython(BoundExpr expr, SqlExpr at, string where)
    {
        if (PythonCalcSplit.HasPython(expr))
            throw new SqlValidationException($"Python functions in MATCH_RECOGNIZE ({where}) are not supported yet; call them in a query over the MATCH_RECOGNIZE's result", at.Position);
    }

    /// <summary>The time attribute ORDER BY starts with, and the columns after it that order rows of equal time (Flink's event comparator).</summary>
    private static (int Time, List<SortKey> Ties) MatchOrder(MatchRecognizeRef m, Scope scope)
    {
        if (m.OrderBy.Count == 0)
            throw new SqlValidationException("You must specify either rowtime or proctime for order by: MATCH_RECOGNIZE needs ORDER BY a time attribute", m.Position);
        var first = m.OrderBy[0];
        var index = first.Expr is IdentifierExpr id ? scope.Resolve(id.Parts, id) : -1;
        var type = index >= 0 ? scope.Fields[index].Type : null;
        if (type is null || !type.IsTimeAttribute)
            throw new SqlValidationException($"You must specify either rowtime or proctime for order by as the first one: MATCH_RECOGNIZE's ORDER BY {first.Expr.ToSql()} is {(type is null ? "an expression" : type.ToString())}, not a time attribute (a rowtime column with a WATERMARK, or PROCTIME())", first.Position);
        if (first.Direction == SortDirection.Descending)
            throw new SqlValidationException("Primary sort order of a streaming table must be ascending on time: MATCH_RECOGNIZE's ORDER BY must be ascending", first.Position);
        var ties = new List<SortKey>();
        foreach (var item in m.OrderBy.Skip(1))
        {
            if (item.Expr is not IdentifierExpr column)
                throw new SqlValidationException($"MATCH_RECOGNIZE's ORDER BY takes columns of its input after the time attribute, not {item.Expr.ToSql()}", item.Position);
            var descending = item.Direction == SortDirection.Descending;
            // Flink's default: NULLS FIRST ascending, NULLS LAST descending.
            var nullsFirst = item.Nulls == NullOrdering.Unspecified ? !descending : item.Nulls == NullOrdering.First;
            ties.Add(new SortKey(scope.Resolve(column.Parts, column), descending, nullsFirst));
        }

        return (index, ties);
    }

    /// <summary>The pattern's stages in order (conditions not yet numbered), as Flink translates PATTERN.</summary>
    private static (List<PatternStage> Stages, List<string> Variables) PatternStages(PatternTerm pattern)
    {
        var terms = pattern is PatternSequence s ? s.Terms : [pattern];
        var stages = new List<PatternStage>();
        foreach (var term in terms)
        {
            var (variable, quantifier) = term switch
            {
                PatternVariable v => (v, Quantifier.One),
                QuantifiedPattern { Term: PatternVariable v } q => (v, StageQuantifier(q)),
                _ => throw new SqlValidationException("Group patterns (a quantifier after parentheses, as in (B C)+) are not supported yet", term.Position),
            };
            if (stages.Any(st => st.Name == variable.Name))
                throw new SqlValidationException($"Pattern variables must be unique: '{variable.Name}' appears twice in PATTERN", variable.Position);
            stages.Add(new PatternStage(variable.Name, StageKind.Take, Contiguity.Strict, -1, quantifier));
        }

        if (stages.All(st => st.Quantifier.Optional))
            throw new SqlValidationException("Patterns that can produce empty matches are not supported. There must be at least one non-optional state.", pattern.Position);
        if (stages[^1].Quantifier.Greedy)
            throw new SqlValidationException("Greedy quantifiers are not allowed as the last element of a Pattern yet. Finish your pattern with either a simple variable or reluctant quantifier.", terms[^1].Position);
        return (stages, stages.Select(st => st.Name).ToList());
    }

    /// <summary>A quantifier as Flink's applyQuantifier: loops consecutive, greedy unless reluctant (optional and fixed counts never greedy).</summary>
    private static Quantifier StageQuantifier(QuantifiedPattern q)
    {
        var optional = q.Min == 0;
        if (optional && q.Max == 1 && q.Reluctant)
            throw new SqlValidationException("Reluctant optional variables are not supported yet.", q.Position);
        var quantifier = new Quantifier(Math.Max(q.Min, 1), q.Max) { Optional = optional, Inner = Contiguity.Strict };
        var fixedCount = q.Min == q.Max || (optional && q.Max == 1);
        return quantifier with { Greedy = !q.Reluctant && !fixedCount };
    }

    private static AfterMatchSkip AfterMatch(AfterMatchClause? after, List<PatternStage> stages)
    {
        if (after is { Variable: { } target })
        {
            var clause = $"AFTER MATCH {(after.Kind == AfterMatchKind.ToFirst ? "SKIP TO FIRST" : "SKIP TO LAST")} {target}";
            if (!stages.Any(s => s.Name == target))
                throw new SqlValidationException($"{clause}: '{target}' is not a variable of PATTERN ({string.Join(", ", stages.Select(s => s.Name))})", after.Position);

            // Every match would skip back to its own first row, which Flink fails at run time with this message.
            var first = stages[0];
            if (first.Name == target && !first.Quantifier.Optional && (after.Kind == AfterMatchKind.ToFirst || first.Quantifier.Max == 1))
                throw new SqlValidationException($"{clause}: '{target}' is the first row of every match, and matching would start again there: Could not skip to first element of a match.", after.Position);
        }

        return (after?.Kind ?? AfterMatchKind.ToNextRow) switch
        {
            AfterMatchKind.PastLastRow => new AfterMatchSkip(AfterMatchSkipKind.SkipPastLastEvent),
            AfterMatchKind.ToNextRow => new AfterMatchSkip(AfterMatchSkipKind.SkipToNext),
            AfterMatchKind.ToFirst => new AfterMatchSkip(AfterMatchSkipKind.SkipToFirst, after!.Variable),
            _ => new AfterMatchSkip(AfterMatchSkipKind.SkipToLast, after!.Variable),
        };
    }

    private long WithinMillis(SqlExpr within)
    {
        var bound = new ExpressionBinder(new Scope([])).Bind(within);
        if (bound.Type.Kind != SqlTypeKind.IntervalDayTime)
            throw new SqlValidationException($"Only constant intervals with millisecond resolution are supported as time constraints of patterns: WITHIN takes an INTERVAL of days to seconds, got {bound.Type}", within.Position);
        return CalcProgram.Evaluate(bound, context) is long ms && ms > 0
            ? ms
            : throw new SqlValidationException("WITHIN of MATCH_RECOGNIZE must be a positive interval", within.Position);
    }
}
