using PyStream.Engine.Cep;

namespace PyStream.Engine.Tests.Cep;

/// <summary>What the compiler refuses, each error naming the construct.</summary>
public sealed class NfaCompilerTests
{
    private static string Refused(PatternDefinition pattern) => Assert.Throws<CepPatternException>(() => NfaCompiler.Compile(pattern)).Message;

    [Fact]
    public void APatternThatCanMatchNothingIsRefused()
    {
        Assert.Contains("empty sequence", Refused(PatternBuilder.Begin("a", 0).Optional().FollowedBy("b", 1).OneOrMore().Optional().Build()));
        var group = PatternBuilder.Begin("x", 0).Optional();
        Assert.Contains("group", Refused(PatternBuilder.Begin("a", 0).Group("g", Contiguity.Relaxed, group).OneOrMore().Build()));
    }

    [Fact]
    public void InvalidQuantifierBoundsAreRefused()
    {
        Assert.Contains("stage 'b'", Refused(PatternBuilder.Begin("a", 0).FollowedBy("b", 1).Times(-1).Build()));
        Assert.Contains("stage 'b'", Refused(PatternBuilder.Begin("a", 0).FollowedBy("b", 1).Times(3, 2).Build()));
        Assert.Contains("stage 'b'", Refused(PatternBuilder.Begin("a", 0).FollowedBy("b", 1).Times(0, 0).Build()));
    }

    [Fact]
    public void TrailingNotFollowedByNeedsAWindow()
    {
        var message = Refused(PatternBuilder.Begin("a", 0).NotFollowedBy("nb", 1).Build());
        Assert.Contains("not_followed_by('nb')", message);
        Assert.Contains("within", message);
        NfaCompiler.Compile(PatternBuilder.Begin("a", 0).NotFollowedBy("nb", 1).Build(within: 10));
    }

    [Fact]
    public void SkipToAnUnknownStageIsRefused()
    {
        Assert.Contains("skip_to_first('z')", Refused(PatternBuilder.Begin("a", 0).FollowedBy("b", 1).Build(new AfterMatchSkip(AfterMatchSkipKind.SkipToFirst, "z"))));
        Assert.Contains("skip_to_last('')", Refused(PatternBuilder.Begin("a", 0).Build(new AfterMatchSkip(AfterMatchSkipKind.SkipToLast, ""))));
    }

    [Fact]
    public void MoreThan64ConditionsAreRefused()
    {
        Assert.Contains("at most 64", Refused(PatternBuilder.Begin("a", 64).Build()));
        var many = new LambdaConditions();
        for (var i = 0; i < 65; i++)
            many.Add(_ => true);
        var error = Assert.Throws<CepPatternException>(() => new Nfa<Ev>(NfaCompiler.Compile(PatternBuilder.Begin("a", 0).Build()), many));
        Assert.Contains("at most 64", error.Message);
    }

    [Fact]
    public void QuantifierOptionsFlinkRefusesAreRefused()
    {
        Assert.Contains("greedy", Refused(PatternBuilder.Begin("a", 0).FollowedBy("b", 1).Greedy().Build()));
        Assert.Contains("until", Refused(PatternBuilder.Begin("a", 0).FollowedBy("b", 1).Until(2).Build()));
        Assert.Contains("used twice", Refused(PatternBuilder.Begin("a", 0).FollowedBy("a", 1).Build()));
        Assert.Contains("cannot begin", Refused(PatternBuilder.Begin("a", 0).Build() with { Stages = [new PatternStage("n", StageKind.NotNext, Contiguity.Strict, 0, Quantifier.One)] }));
        Assert.Contains("optional stage followed by not_next", Refused(PatternBuilder.Begin("a", 0).FollowedBy("b", 1).Optional().NotNext("n", 2).FollowedBy("c", 3).Build()));
    }
}
