using PyStream.Engine.Cep;
using PyStream.Engine.Graph;
using PyStream.Engine.Spec;
using static PyStream.Engine.Tests.Harness.JobSpecs;

namespace PyStream.Engine.Tests.Cep;

/// <summary>A pattern of the Python CEP API (<see cref="CepSpec"/>) in the engine's model, and its node's ports.</summary>
public sealed class CepSpecModelTests
{
    private static CepStage Stage(string name, int condition, int min = 1, int max = 1) =>
        new() { Name = name, Condition = condition, Until = -1, Min = min, Max = max, Contiguity = CepContiguity.Relaxed, Inner = CepContiguity.Relaxed };

    [Fact]
    public void StagesQuantifiersContiguityAndSkipCarryOver()
    {
        var loop = Stage("b", 1, min: 2, max: 0);
        loop.Contiguity = CepContiguity.NonDeterministicRelaxed;
        loop.Inner = CepContiguity.Strict;
        loop.Greedy = true;
        loop.Until = 2;
        var group = new CepStage { Name = "(x..y)", Condition = -1, Until = -1, Min = 2, Max = 2, Kind = CepStage.Types.Kind.Take };
        group.Group.Add(Stage("x", 3));
        group.Group.Add(Stage("y", 4));
        var spec = new CepPattern { WithinMs = 5000, Skip = new CepSkip { Kind = CepSkip.Types.Kind.SkipToLast, Stage = "b" } };
        spec.Stages.Add(Stage("a", 0));
        spec.Stages.Add(loop);
        spec.Stages.Add(group);

        var pattern = CepSpecModel.Pattern(spec);

        Assert.Equal(["a", "b", "(x..y)"], pattern.Stages.Select(s => s.Name));
        var b = pattern.Stages[1];
        Assert.Equal((Contiguity.NonDeterministicRelaxed, 1, 2, (int?)null, true, Contiguity.Strict, 2),
            (b.Contiguity, b.Condition, b.Quantifier.Min, b.Quantifier.Max, b.Quantifier.Greedy, b.Quantifier.Inner, b.Until));
        Assert.Equal(["x", "y"], pattern.Stages[2].Group!.Select(s => s.Name));
        Assert.Equal(new AfterMatchSkip(AfterMatchSkipKind.SkipToLast, "b"), pattern.Skip);
        Assert.Equal((5000L, WithinType.FirstAndLast), (pattern.WithinMillis!.Value, pattern.WithinType));
    }

    [Fact]
    public void StageWindowsAloneMeasureBetweenEvents()
    {
        var spec = new CepPattern();
        spec.Stages.Add(Stage("a", 0));
        var b = Stage("b", 1);
        b.PreviousWithinMs = 300;
        spec.Stages.Add(b);

        var pattern = CepSpecModel.Pattern(spec);

        Assert.Equal((null, null, 300L), (pattern.WithinMillis, pattern.Stages[1].WithinMillis, pattern.Stages[1].PreviousWithinMillis!.Value));
        Assert.Equal([0L, 0L, 300L], NfaCompiler.Compile(pattern).States.Select(s => s.PreviousWindow).Order());
    }

    [Fact]
    public void BothKindsOfWithinApplyTogether()
    {
        var spec = new CepPattern { WithinMs = 1_000 };
        spec.Stages.Add(Stage("a", 0));
        var b = Stage("b", 1);
        b.PreviousWithinMs = 300;
        spec.Stages.Add(b);

        var compiled = NfaCompiler.Compile(CepSpecModel.Pattern(spec));

        Assert.Equal(1_000, compiled.WindowMillis);
        Assert.Contains(compiled.States, s => s.PreviousWindow == 300);
        b.PreviousWithinMs = 1_001;
        var refused = Assert.Throws<CepPatternException>(() => NfaCompiler.Compile(CepSpecModel.Pattern(spec)));
        Assert.Contains("cannot be larger than the window length between the first and last event", refused.Message);
    }

    [Fact]
    public void ACountedStageIsCheckedByItsCountsWindowNotItsOwn()
    {
        var spec = new CepPattern { WithinMs = 1_000 };
        var a = Stage("a", 0, min: 2, max: 2);
        a.Counted = true;
        a.PreviousWithinMs = 5_000; // not used on a counted stage (as Flink's compiler), so not refused
        spec.Stages.Add(a);
        spec.Stages.Add(Stage("b", 1));

        var compiled = NfaCompiler.Compile(CepSpecModel.Pattern(spec));

        Assert.All(compiled.States, s => Assert.Equal(0, s.PreviousWindow));
        a.CountedWithinMs = 1_500;
        var refused = Assert.Throws<CepPatternException>(() => NfaCompiler.Compile(CepSpecModel.Pattern(spec)));
        Assert.Contains("stage 'a': its PREVIOUS_AND_CURRENT within (1500 ms)", refused.Message);
    }

    [Fact]
    public void APatternThatCanMatchNothingIsRefused()
    {
        var spec = new CepPattern();
        var a = Stage("a", 0);
        a.Optional = true;
        spec.Stages.Add(a);
        spec.Stages.Add(new CepStage { Name = "n", Kind = CepStage.Types.Kind.NotFollowedBy, Condition = 1, Until = -1, Min = 1, Max = 1 });

        var error = Assert.Throws<PyStreamException>(() => CepSpecModel.Pattern(spec));

        Assert.Contains("can match the empty sequence", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCepNodeHasALatePortThenItsSideOutputs()
    {
        var cep = new Transformation { Id = 2, Name = "CepOperator", Cep = new CepSpec { LateDataTag = "late" } };
        cep.Cep.SideOutputTags.Add("timed-out");
        cep.Inputs.Add(From(1, Partitioning.Hash));
        var spec = Job(Numbers(1, 0, 9), cep, SideOutput(3, "late", 2), SideOutput(4, "timed-out", 2),
            Print(5, 0, "", From(3)), Print(6, 0, "", From(4)));

        var graph = JobGraphBuilder.Build(spec);

        var node = graph.Nodes.Single(n => n.Id == 2);
        Assert.True(node.IsCep && node.IsKeyedNative);
        Assert.Equal(3, node.PortCount);
        Assert.Equal([1, 2], node.Outputs.Select(e => e.SourcePort).Order());
    }
}
