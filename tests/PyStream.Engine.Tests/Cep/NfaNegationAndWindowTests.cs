using PyStream.Engine.Cep;

namespace PyStream.Engine.Tests.Cep;

/// <summary>not_next, not_followed_by and within of both types; expected values worked out by hand.</summary>
public sealed class NfaNegationAndWindowTests
{
    [Fact]
    public void NotNextAtTheEndMatchesWhenTheNextEventIsNotIt()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).NotNext("nb", c.Kind("b")).Build();
        Assert.Equal(["a2"], NfaRun.Matches(pattern, c, "a1", "b1", "a2", "x"));
    }

    [Fact]
    public void NotNextBetweenStages()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).NotNext("nb", c.Kind("b")).FollowedBy("c", c.Kind("c")).Build();
        Assert.Equal(["a2 c2"], NfaRun.Matches(pattern, c, "a1", "b1", "c1", "a2", "d", "c2"));
    }

    [Fact]
    public void NotFollowedByBetweenStages()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).NotFollowedBy("nb", c.Kind("b")).FollowedBy("c", c.Kind("c")).Build();
        Assert.Equal(["a2 c2"], NfaRun.Matches(pattern, c, "a1", "x", "b1", "c1", "a2", "x", "c2"));
    }

    [Fact]
    public void TrailingNotFollowedByCompletesWhenTheWindowEnds()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).NotFollowedBy("nb", c.Kind("b")).Build(within: 10);
        Ev[] input = [new("a1", 0, 0), new("b1", 0, 5), new("a2", 0, 20), new("x", 0, 25)];

        var (matches, timedOut) = NfaRun.Run(pattern, c, input, endTime: 40);
        Assert.Equal(["a2"], matches);
        Assert.Empty(timedOut);
        // Before its window ends, a2 is not a match yet.
        Assert.Empty(NfaRun.Run(pattern, c, input, endTime: 29).Matches);
    }

    [Fact]
    public void FirstAndLastWindowTimesOutFromTheFirstEvent()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).FollowedBy("b", c.Kind("b")).OneOrMore().FollowedBy("c", c.Kind("c")).Build(within: 10);
        Ev[] input = [new("a", 0, 0), new("b1", 0, 3), new("b2", 0, 8), new("c", 0, 12)];

        var (matches, timedOut) = NfaRun.Run(pattern, c, input);
        Assert.Empty(matches);
        Assert.Equal(["a b1 b2@10", "a b1@10"], timedOut.Order());
        Ev[] inTime = [.. input[..3], input[3] with { Time = 9 }];
        Assert.Equal(["a b1 b2 c", "a b1 c"], NfaRun.Run(pattern, c, inTime).Matches.Order());
    }

    [Fact]
    public void PreviousAndCurrentWindowMeasuresEachGap()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).FollowedBy("b", c.Kind("b")).FollowedBy("c", c.Kind("c"));

        Ev[] gapsOf4 = [new("a", 0, 0), new("b", 0, 4), new("c", 0, 8)];
        Assert.Equal(["a b c"], NfaRun.Run(pattern.Build(within: 5, type: WithinType.PreviousAndCurrent), c, gapsOf4).Matches);
        var firstAndLast = NfaRun.Run(pattern.Build(within: 5), c, gapsOf4);
        Assert.Empty(firstAndLast.Matches);
        Assert.Equal(["a b@5"], firstAndLast.TimedOut);

        Ev[] gapOf6 = [new("a", 0, 0), new("b", 0, 6), new("c", 0, 8)];
        var previous = NfaRun.Run(pattern.Build(within: 5, type: WithinType.PreviousAndCurrent), c, gapOf6);
        Assert.Empty(previous.Matches);
        Assert.Equal(["a@5"], previous.TimedOut);
    }

    [Fact]
    public void StageWithinTightensThePatternWindow()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).FollowedBy("b", c.Kind("b")).StageWithin(3).Build(within: 100);
        var (matches, timedOut) = NfaRun.Run(pattern, c, [new("a", 0, 0), new("b", 0, 5)]);
        Assert.Empty(matches);
        Assert.Equal(["a@3"], timedOut);
    }
    // Flink's compiler puts a stage's PREVIOUS_AND_CURRENT window only on the states that take its events, not on
    // the twin an optional relaxed stage moves to when it ignores one. Hand-traced: after a@0 the match waits for b
    // (window 5); x@3 is no b, so it moves to the twin (no window) and, through the optional stage, on to c. The twin
    // outlives 5 ms and takes b@20, so both a b c and a c complete at c@21; with the window on the twin, only a c would.
    [Fact]
    public void AnOptionalStagesWindowIsNotOnTheStateThatIgnoresEvents()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).FollowedBy("b", c.Kind("b")).Optional().PreviousWithin(5).FollowedBy("c", c.Kind("c")).Build();

        Assert.Equal(["a b c", "a c"], NfaRun.Run(pattern, c, [new("a", 0, 0), new("x", 0, 3), new("b", 0, 20), new("c", 0, 21)]).Matches.Order());
        var waitedForB = NfaRun.Run(pattern, c, [new("a", 0, 0), new("b", 0, 20), new("c", 0, 21)]);
        Assert.Empty(waitedForB.Matches);
        Assert.Equal(["a@5"], waitedForB.TimedOut);
    }

    // A counted stage takes no PREVIOUS_AND_CURRENT window of its own (Flink reads the count's): b.times(2) with
    // within(5, PREVIOUS_AND_CURRENT) still matches across a 10 ms gap.
    [Fact]
    public void ACountedStageIgnoresItsOwnPreviousWindow()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).FollowedBy("b", c.Kind("b")).Times(2).PreviousWithin(5).Build();

        Assert.Equal(["a b b"], NfaRun.Run(pattern, c, [new("a", 0, 0), new("b", 0, 10), new("b", 0, 20)]).Matches);
    }

    // times(3, 5 ms): the count's window is on every state of the stage but the one compiled first (the last of the
    // three), so it bounds the gap before the first b and the one before the second b, not the one before the third.
    [Fact]
    public void TheWindowOfACountBoundsEveryGapButTheOneBeforeItsLastEvent()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).Next("b", c.Kind("b")).Times(3, within: 5).Consecutive().Build();

        Assert.Equal(["a b b b"], NfaRun.Run(pattern, c, [new("a", 0, 0), new("b", 0, 4), new("b", 0, 8), new("b", 0, 100)]).Matches);
        var secondLate = NfaRun.Run(pattern, c, [new("a", 0, 0), new("b", 0, 4), new("b", 0, 10), new("b", 0, 11)]);
        Assert.Empty(secondLate.Matches);
        Assert.Equal(["a b@9"], secondLate.TimedOut);
        var firstLate = NfaRun.Run(pattern, c, [new("a", 0, 0), new("b", 0, 6), new("b", 0, 7), new("b", 0, 8)]);
        Assert.Empty(firstLate.Matches);
        Assert.Equal(["a@5"], firstLate.TimedOut);
    }
}
