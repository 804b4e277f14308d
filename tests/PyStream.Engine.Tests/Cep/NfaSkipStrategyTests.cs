using PyStream.Engine.Cep;

namespace PyStream.Engine.Tests.Cep;

/// <summary>Flink's documented after-match skip examples; expected matches from the documentation's tables, checked by hand.</summary>
public sealed class NfaSkipStrategyTests
{
    private static AfterMatchSkip Skip(AfterMatchSkipKind kind, string? stage = null) => new(kind, stage);

    public static TheoryData<AfterMatchSkipKind, string[]> BPlusC => new()
    {
        { AfterMatchSkipKind.NoSkip, ["b1 b2 b3 c", "b2 b3 c", "b3 c"] },
        { AfterMatchSkipKind.SkipToNext, ["b1 b2 b3 c", "b2 b3 c", "b3 c"] },
        { AfterMatchSkipKind.SkipPastLastEvent, ["b1 b2 b3 c"] },
        { AfterMatchSkipKind.SkipToFirst, ["b1 b2 b3 c", "b2 b3 c", "b3 c"] },
        { AfterMatchSkipKind.SkipToLast, ["b1 b2 b3 c", "b3 c"] },
    };

    [Theory]
    [MemberData(nameof(BPlusC))]
    public void BPlusCOnB1B2B3C(AfterMatchSkipKind kind, string[] expected)
    {
        // Flink docs: pattern "b+ c", stream b1 b2 b3 c; skip_to_first/last name b. The loop is
        // consecutive: a relaxed loop would keep a partial match from b1 alive (it may still take
        // more b's), and under skip_to_first the later matches would wait behind it, as in Flink.
        var c = new LambdaConditions();
        var (b, cc) = (c.Kind("b"), c.Kind("c"));
        var stage = kind is AfterMatchSkipKind.SkipToFirst or AfterMatchSkipKind.SkipToLast ? "b" : null;
        var greedy = PatternBuilder.Begin("b", b).OneOrMore().Consecutive().Greedy().FollowedBy("c", cc).Build(Skip(kind, stage));
        var strict = PatternBuilder.Begin("b", b).OneOrMore().Consecutive().Next("c", cc).Build(Skip(kind, stage));

        Assert.Equal(expected, NfaRun.Matches(greedy, c, "b1", "b2", "b3", "c"));
        Assert.Equal(expected, NfaRun.Matches(strict, c, "b1", "b2", "b3", "c"));
    }

    [Fact]
    public void SkipToFirstOnAGreedyLoopOfFourStages()
    {
        // Flink docs: (a|b|c) (b|c) c+.greedy d on a b c1 c2 c3 d.
        var c = new LambdaConditions();
        var abc = c.Add(e => e.Kind is "a" or "b" or "c");
        var bc = c.Add(e => e.Kind is "b" or "c");
        var (cc, d) = (c.Kind("c"), c.Kind("d"));
        PatternDefinition Pattern(AfterMatchSkip skip) =>
            PatternBuilder.Begin("e1", abc).FollowedBy("e2", bc).FollowedBy("e3", cc).OneOrMore().Greedy().FollowedBy("e4", d).Build(skip);
        string[] input = ["a", "b", "c1", "c2", "c3", "d"];

        Assert.Equal(["a b c1 c2 c3 d", "b c1 c2 c3 d", "c1 c2 c3 d"], NfaRun.Matches(Pattern(AfterMatchSkip.NoSkip), c, input));
        Assert.Equal(["a b c1 c2 c3 d", "c1 c2 c3 d"], NfaRun.Matches(Pattern(Skip(AfterMatchSkipKind.SkipToFirst, "e3")), c, input));
        Assert.Equal(["a b c1 c2 c3 d"], NfaRun.Matches(Pattern(Skip(AfterMatchSkipKind.SkipPastLastEvent)), c, input));
    }

    [Fact]
    public void SkipToNextDropsTheOtherMatchesOfTheSameStart()
    {
        // Flink docs: a b+ on a b1 b2 b3.
        var c = new LambdaConditions();
        var (a, b) = (c.Kind("a"), c.Kind("b"));
        PatternDefinition Pattern(AfterMatchSkip skip) => PatternBuilder.Begin("a", a).FollowedBy("b", b).OneOrMore().Build(skip);

        Assert.Equal(["a b1", "a b1 b2", "a b1 b2 b3"], NfaRun.Matches(Pattern(AfterMatchSkip.NoSkip), c, "a", "b1", "b2", "b3"));
        Assert.Equal(["a b1"], NfaRun.Matches(Pattern(Skip(AfterMatchSkipKind.SkipToNext)), c, "a", "b1", "b2", "b3"));
    }

    [Fact]
    public void AMatchWaitsForAnEarlierPartialMatchUnderASkipStrategy()
    {
        // a1 x a2 b: under skip_past_last_event "a b" with a strict b can only complete from a2;
        // with followed_by both a1 and a2 complete at b, and a1's match (earlier) prunes a2's.
        var c = new LambdaConditions();
        var (a, b) = (c.Kind("a"), c.Kind("b"));
        var skip = Skip(AfterMatchSkipKind.SkipPastLastEvent);

        Assert.Equal(["a1 b"], NfaRun.Matches(PatternBuilder.Begin("a", a).FollowedBy("b", b).Build(skip), c, "a1", "x", "a2", "b"));
        Assert.Equal(["a1 b", "a2 b"], NfaRun.Matches(PatternBuilder.Begin("a", a).FollowedBy("b", b).Build(), c, "a1", "x", "a2", "b"));
    }

    [Fact]
    public void SkipToAStageThatTookNothingSkipsNothing()
    {
        // a, strictly b?, then c, with skip_to_last(b): a match without b prunes nothing.
        var c = new LambdaConditions();
        var (a, b, cc) = (c.Kind("a"), c.Kind("b"), c.Kind("c"));
        PatternDefinition Pattern(AfterMatchSkip skip) => PatternBuilder.Begin("a", a).Next("b", b).Optional().FollowedBy("c", cc).Build(skip);

        Assert.Equal(["a1 c", "a2 c"], NfaRun.Matches(Pattern(Skip(AfterMatchSkipKind.SkipToLast, "b")), c, "a1", "a2", "c"));
        Assert.Equal(["a1 c"], NfaRun.Matches(Pattern(Skip(AfterMatchSkipKind.SkipPastLastEvent)), c, "a1", "a2", "c"));
    }
}
