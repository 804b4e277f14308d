using PyStream.Engine.Cep;

namespace PyStream.Engine.Tests.Cep;

/// <summary>Group patterns with quantifiers; expected matches worked out by hand.</summary>
public sealed class NfaGroupPatternTests
{
    [Fact]
    public void AGroupRepeatedTwiceRelaxedBetweenIterations()
    {
        var c = new LambdaConditions();
        var group = PatternBuilder.Begin("a", c.Kind("a")).Next("b", c.Kind("b"));
        var pattern = new PatternBuilder().Group("g", Contiguity.Relaxed, group).Times(2).Build();

        Assert.Equal(["a:a1,a2 b:b1,b2"], NfaRun.StagedMatches(pattern, c, "a1", "b1", "x", "a2", "b2"));
    }

    [Fact]
    public void AConsecutiveGroupNeedsItsIterationsAdjacent()
    {
        var c = new LambdaConditions();
        var group = PatternBuilder.Begin("a", c.Kind("a")).Next("b", c.Kind("b"));
        var pattern = new PatternBuilder().Group("g", Contiguity.Relaxed, group).Times(2).Consecutive().Build();

        Assert.Empty(NfaRun.StagedMatches(pattern, c, "a1", "b1", "x", "a2", "b2"));
        Assert.Equal(["a:a1,a2 b:b1,b2"], NfaRun.StagedMatches(pattern, c, "a1", "b1", "a2", "b2"));
    }

    [Fact]
    public void ALoopingGroupBetweenStages()
    {
        // s (a b)+ e, all relaxed: the group repeats, each iteration a then strictly b.
        var c = new LambdaConditions();
        var group = PatternBuilder.Begin("a", c.Kind("a")).Next("b", c.Kind("b"));
        var pattern = PatternBuilder.Begin("s", c.Kind("s")).Group("g", Contiguity.Relaxed, group).OneOrMore().FollowedBy("e", c.Kind("e")).Build();

        Assert.Equal(["s:s a:a1 b:b1 e:e", "s:s a:a1,a2 b:b1,b2 e:e"], NfaRun.StagedMatches(pattern, c, "s", "a1", "b1", "a2", "b2", "e").Order());
    }
}
