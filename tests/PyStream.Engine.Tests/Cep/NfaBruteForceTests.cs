using PyStream.Engine.Cep;

namespace PyStream.Engine.Tests.Cep;

/// <summary>
/// The NFA against a brute-force matcher on short random event sequences and random
/// patterns. The brute force enumerates every assignment of increasing event positions to
/// stages and keeps those the semantics allow, stated simply: each stage takes a count of
/// events its quantifier allows (0 when optional) that meet its condition; between a stage's
/// own events its inner contiguity holds, and between the last event taken before a stage and
/// the stage's first event the stage's contiguity holds, where strict means adjacent, relaxed
/// means no event in between meets the stage's condition, and non-deterministic relaxed allows
/// anything. Restricted to NO_SKIP, no windows, simple conditions, take stages without greedy,
/// until or groups (where the semantics are not that simple).
/// </summary>
public sealed class NfaBruteForceTests
{
    private static readonly string[] Letters = ["a", "b", "c"];

    private sealed record Stage(string Name, string Letter, Contiguity Contiguity, int Min, int? Max, bool Optional, Contiguity Inner);

    [Fact]
    public void TheNfaFindsExactlyTheMatchesTheBruteForceFinds()
    {
        var random = new Random(20261206);
        var checkedMatches = 0;
        for (var run = 0; run < 400; run++)
        {
            var stages = RandomStages(random);
            var events = Enumerable.Range(0, random.Next(1, 8)).Select(i => $"{"abcd"[random.Next(4)]}{i}").ToArray();

            var conditions = new LambdaConditions();
            var builder = new PatternBuilder();
            foreach (var stage in stages)
            {
                builder.Add(stage.Name, StageKind.Take, stage.Contiguity, conditions.Kind(stage.Letter));
                if (stage.Max is null)
                    builder.TimesOrMore(stage.Min);
                else if (stage.Min != 1 || stage.Max != 1)
                    builder.Times(stage.Min, stage.Max.Value);
                if (stage.Optional)
                    builder.Optional();
                builder = stage.Inner switch
                {
                    Contiguity.Strict => builder.Consecutive(),
                    Contiguity.NonDeterministicRelaxed => builder.AllowCombinations(),
                    _ => builder,
                };
            }

            var expected = BruteForce(stages, events).Order(StringComparer.Ordinal).ToList();
            var actual = NfaRun.StagedMatches(builder.Build(), conditions, events).Order(StringComparer.Ordinal).ToList();
            var description = string.Join(" ", stages.Select(s => $"{s.Name}={s.Letter}/{s.Contiguity}/{s.Min}..{s.Max?.ToString() ?? "n"}{(s.Optional ? "?" : "")}/{s.Inner}"));
            Assert.True(expected.SequenceEqual(actual),
                $"pattern {description} on {string.Join(" ", events)}\nexpected: {string.Join(" | ", expected)}\nactual:   {string.Join(" | ", actual)}");
            checkedMatches += expected.Count;
        }

        Assert.True(checkedMatches > 200, $"only {checkedMatches} matches checked");
    }

    private static List<Stage> RandomStages(Random random)
    {
        var stages = new List<Stage>();
        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            var (min, max) = random.Next(4) switch
            {
                0 => (2, (int?)2),
                1 => (1, 2),
                2 => (1, null),
                _ => (1, 1),
            };
            var optional = random.Next(10) < 3;
            stages.Add(new Stage($"s{i}", Letters[random.Next(Letters.Length)], (Contiguity)random.Next(3), min, max, optional, (Contiguity)random.Next(3)));
        }

        if (stages.All(s => s.Optional))
        {
            var mandatory = random.Next(count);
            stages[mandatory] = stages[mandatory] with { Optional = false };
        }

        return stages;
    }

    private static IEnumerable<string> BruteForce(List<Stage> stages, string[] events)
    {
        var results = new List<string>();
        Assign(0, -1, []);
        return results;

        void Assign(int stage, int last, List<(string Stage, List<int> Positions)> taken)
        {
            if (stage == stages.Count)
            {
                if (taken.Count > 0)
                    results.Add(string.Join(" ", taken.Select(t => $"{t.Stage}:{string.Join(",", t.Positions.Select(p => events[p]))}")));
                return;
            }

            var s = stages[stage];
            if (s.Optional)
                Assign(stage + 1, last, taken);
            var max = s.Max ?? events.Length;
            foreach (var positions in Sequences(s, last, max))
            {
                if (positions.Count < s.Min)
                    continue;
                Assign(stage + 1, positions[^1], [.. taken, (s.Name, positions)]);
            }
        }

        // Every run of 1..max positions after last that meets the stage's condition and contiguity.
        IEnumerable<List<int>> Sequences(Stage s, int last, int max)
        {
            var stack = new Stack<List<int>>();
            for (var p = last + 1; p < events.Length; p++)
            {
                if (Meets(s, p) && Allowed(s.Contiguity, s, last, p, first: last < 0))
                    stack.Push([p]);
            }

            while (stack.TryPop(out var run))
            {
                yield return run;
                if (run.Count == max)
                    continue;
                for (var p = run[^1] + 1; p < events.Length; p++)
                {
                    if (Meets(s, p) && Allowed(s.Inner, s, run[^1], p, first: false))
                        stack.Push([.. run, p]);
                }
            }
        }

        bool Meets(Stage s, int position) => events[position][0].ToString() == s.Letter;

        bool Allowed(Contiguity contiguity, Stage s, int previous, int next, bool first) => first || contiguity switch
        {
            Contiguity.Strict => next == previous + 1,
            Contiguity.Relaxed => Enumerable.Range(previous + 1, next - previous - 1).All(p => !Meets(s, p)),
            _ => true,
        };
    }
}
