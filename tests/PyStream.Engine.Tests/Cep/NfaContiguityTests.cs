using PyStream.Engine.Cep;

namespace PyStream.Engine.Tests.Cep;

/// <summary>Flink's documented contiguity examples, expected matches read from the documentation.</summary>
public sealed class NfaContiguityTests
{
    [Fact]
    public void StrictRelaxedAndNonDeterministicContiguityOnACB1B2()
    {
        // Flink docs: pattern "a b", input "a", "c", "b1", "b2".
        var c = new LambdaConditions();
        var (a, b) = (c.Kind("a"), c.Kind("b"));
        string[] input = ["a", "c", "b1", "b2"];

        Assert.Empty(NfaRun.Matches(PatternBuilder.Begin("a", a).Next("b", b).Build(), c, input));
        Assert.Equal(["a b1"], NfaRun.Matches(PatternBuilder.Begin("a", a).FollowedBy("b", b).Build(), c, input));
        Assert.Equal(["a b1", "a b2"], NfaRun.Matches(PatternBuilder.Begin("a", a).FollowedByAny("b", b).Build(), c, input).Order());
    }

    [Fact]
    public void ContiguityWithinALoop()
    {
        // Flink docs: "a b+ c" (a followedByAny b+, followedBy c) on a b1 d1 b2 d2 b3 c.
        var c = new LambdaConditions();
        var (a, b, cc) = (c.Kind("a"), c.Kind("b"), c.Kind("c"));
        string[] input = ["a", "b1", "d1", "b2", "d2", "b3", "c"];
        PatternBuilder Pattern() => PatternBuilder.Begin("a", a).FollowedByAny("b", b).OneOrMore();

        Assert.Equal(["a b1 c", "a b2 c", "a b3 c"],
            NfaRun.Matches(Pattern().Consecutive().FollowedBy("c", cc).Build(), c, input).Order());
        Assert.Equal(["a b1 b2 b3 c", "a b1 b2 c", "a b1 c", "a b2 b3 c", "a b2 c", "a b3 c"],
            NfaRun.Matches(Pattern().FollowedBy("c", cc).Build(), c, input).Order());
        Assert.Equal(["a b1 b2 b3 c", "a b1 b2 c", "a b1 b3 c", "a b1 c", "a b2 b3 c", "a b2 c", "a b3 c"],
            NfaRun.Matches(Pattern().AllowCombinations().FollowedBy("c", cc).Build(), c, input).Order());
    }

    [Fact]
    public void ConsecutiveAndAllowCombinations()
    {
        // Flink docs: begin(c).followedBy(a).oneOrMore()[.consecutive()|.allowCombinations()].followedBy(b) on C D A1 A2 A3 D A4 B.
        var c = new LambdaConditions();
        var (a, b, cc) = (c.Kind("A"), c.Kind("B"), c.Kind("C"));
        string[] input = ["C", "D", "A1", "A2", "A3", "D", "A4", "B"];
        PatternBuilder Pattern() => PatternBuilder.Begin("start", cc).FollowedBy("middle", a).OneOrMore();

        Assert.Equal(["C A1 A2 A3 B", "C A1 A2 B", "C A1 B"],
            NfaRun.Matches(Pattern().Consecutive().FollowedBy("end", b).Build(), c, input).Order());
        Assert.Equal(["C A1 A2 A3 A4 B", "C A1 A2 A3 B", "C A1 A2 B", "C A1 B"],
            NfaRun.Matches(Pattern().FollowedBy("end", b).Build(), c, input).Order());
        Assert.Equal(["C A1 A2 A3 A4 B", "C A1 A2 A3 B", "C A1 A2 A4 B", "C A1 A2 B", "C A1 A3 A4 B", "C A1 A3 B", "C A1 A4 B", "C A1 B"],
            NfaRun.Matches(Pattern().AllowCombinations().FollowedBy("end", b).Build(), c, input).Order());
    }
}
