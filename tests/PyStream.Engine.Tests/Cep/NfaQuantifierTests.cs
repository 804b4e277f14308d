using PyStream.Engine.Cep;

namespace PyStream.Engine.Tests.Cep;

/// <summary>times, optional, greedy, until and iterative conditions; expected matches worked out by hand from Flink's documented semantics.</summary>
public sealed class NfaQuantifierTests
{
    [Fact]
    public void OptionalStageMatchesWithAndWithoutIt()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).FollowedBy("b", c.Kind("b")).Optional().FollowedBy("c", c.Kind("c")).Build();
        Assert.Equal(["a b c", "a c"], NfaRun.Matches(pattern, c, "a", "b", "c").Order());
    }

    [Fact]
    public void OptionalFirstStageLetsTheNextOneStartAMatch()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).Optional().Next("b", c.Kind("b")).Build();
        // b1 alone, a b2 (strictly next), b2 alone; x breaks nothing for a lone b.
        Assert.Equal(["a b2", "b1", "b2"], NfaRun.Matches(pattern, c, "b1", "x", "a", "b2").Order());
    }

    [Fact]
    public void TimesTakesExactlyNRelaxedByDefault()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).FollowedBy("b", c.Kind("b")).Times(2).FollowedBy("c", c.Kind("c")).Build();
        Assert.Equal(["a b1 b2 c"], NfaRun.Matches(pattern, c, "a", "b1", "x", "b2", "b3", "c"));
    }

    [Fact]
    public void TimesFromToTakesEachCountInRange()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).FollowedBy("b", c.Kind("b")).Times(1, 3).FollowedBy("c", c.Kind("c")).Build();
        Assert.Equal(["a b1 b2 b3 c", "a b1 b2 c", "a b1 c"], NfaRun.Matches(pattern, c, "a", "b1", "b2", "b3", "b4", "c").Order());
    }

    [Fact]
    public void TimesZeroToNIsOptional()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).FollowedBy("b", c.Kind("b")).Times(0, 2).FollowedBy("c", c.Kind("c")).Build();
        Assert.Equal(["a b1 b2 c", "a b1 c", "a c"], NfaRun.Matches(pattern, c, "a", "b1", "b2", "c").Order());
    }

    [Fact]
    public void TimesOrMoreNeedsTheMinimum()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("b", c.Kind("b")).TimesOrMore(2).Consecutive().Next("c", c.Kind("c")).Build();
        // Loops of at least two consecutive b's ending right before c: b1 b2 b3, b2 b3.
        Assert.Equal(["b1 b2 b3 c", "b2 b3 c"], NfaRun.Matches(pattern, c, "b1", "b2", "b3", "c"));
    }

    [Fact]
    public void GreedyLoopTakesWhatTheNextStageCouldTake()
    {
        // The c stage also accepts b events. Lazy: b2 may end the loop into c; greedy: the loop keeps b2.
        var c = new LambdaConditions();
        var (a, b, bc) = (c.Kind("a"), c.Kind("b"), c.Add(e => e.Kind is "b" or "c"));
        var lazy = PatternBuilder.Begin("a", a).FollowedBy("b", b).OneOrMore().FollowedBy("c", bc).Build();
        var greedy = PatternBuilder.Begin("a", a).FollowedBy("b", b).OneOrMore().Greedy().FollowedBy("c", bc).Build();

        Assert.Equal(["a:a b:b1 c:b2", "a:a b:b1,b2 c:c"], NfaRun.StagedMatches(lazy, c, "a", "b1", "b2", "c"));
        Assert.Equal(["a:a b:b1,b2 c:c"], NfaRun.StagedMatches(greedy, c, "a", "b1", "b2", "c"));
    }

    [Fact]
    public void UntilStopsTheLoop()
    {
        var c = new LambdaConditions();
        var (a, b, cc, x) = (c.Kind("a"), c.Kind("b"), c.Kind("c"), c.Kind("x"));
        var until = PatternBuilder.Begin("a", a).FollowedBy("b", b).OneOrMore().Until(x).FollowedBy("c", cc).Build();
        var plain = PatternBuilder.Begin("a", a).FollowedBy("b", b).OneOrMore().FollowedBy("c", cc).Build();

        Assert.Equal(["a b1 c"], NfaRun.Matches(until, c, "a", "b1", "x", "b2", "c"));
        Assert.Equal(["a b1 b2 c", "a b1 c"], NfaRun.Matches(plain, c, "a", "b1", "x", "b2", "c").Order());
    }

    [Fact]
    public void IterativeConditionReadsThePartialMatchOneByOneOrInBatches()
    {
        // b events are taken while the b values so far plus this one stay below 10: 3, 3+4, not 3+4+5.
        var c = new LambdaConditions();
        var a = c.Kind("a");
        var b = c.AddIterative((e, ctx) => e.Kind == "b" && ctx.EventsForPattern("b").Sum(p => p.Value) + e.Value < 10);
        var cc = c.Kind("c");
        var pattern = PatternBuilder.Begin("a", a).FollowedBy("b", b).OneOrMore().Consecutive().FollowedBy("c", cc).Build();
        Ev[] input = [new("a", 0, 1), new("b1", 3, 2), new("b2", 4, 3), new("b3", 5, 4), new("c", 0, 5)];

        Assert.Equal(["a b1 b2 c", "a b1 c"], NfaRun.Run(pattern, c, input).Matches.Order());
        var batch = new BatchLambdaConditions(c);
        Assert.Equal(["a b1 b2 c", "a b1 c"], NfaRun.Run(pattern, batch, input).Matches.Order());
        Assert.InRange(batch.Batches, 1, input.Length);
    }
}
