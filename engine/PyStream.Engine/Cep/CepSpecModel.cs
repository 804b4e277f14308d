using PyStream.Engine.Spec;

namespace PyStream.Engine.Cep;

/// <summary>A pattern of the Python CEP API as the job describes it (<see cref="CepPattern"/>), in the engine's model.</summary>
public static class CepSpecModel
{
    /// <summary>A pattern of the Python CEP API in the engine's model; a pattern that can match the empty sequence is refused.</summary>
    public static PatternDefinition Pattern(CepPattern spec)
    {
        if (spec.Stages.Count == 0)
            throw new PyStreamException("a CEP pattern needs at least one stage");
        var stages = Stages(spec.Stages);
        if (stages.All(CanBeEmpty))
            throw new PyStreamException($"The pattern ({string.Join(", ", stages.Select(s => s.Name))}) can match the empty sequence: every stage is optional. At least one stage must take an event.");
        var skip = new AfterMatchSkip(
            spec.Skip?.Kind switch
            {
                null or CepSkip.Types.Kind.NoSkip => AfterMatchSkipKind.NoSkip,
                CepSkip.Types.Kind.SkipToNext => AfterMatchSkipKind.SkipToNext,
                CepSkip.Types.Kind.SkipPastLastEvent => AfterMatchSkipKind.SkipPastLastEvent,
                CepSkip.Types.Kind.SkipToFirst => AfterMatchSkipKind.SkipToFirst,
                CepSkip.Types.Kind.SkipToLast => AfterMatchSkipKind.SkipToLast,
                _ => throw new PyStreamException($"unknown skip strategy {spec.Skip.Kind}"),
            },
            spec.Skip is { Stage.Length: > 0 } ? spec.Skip.Stage : null);
        return new PatternDefinition(stages, skip)
        {
            // The smallest FIRST_AND_LAST within of the pattern; each stage's PREVIOUS_AND_CURRENT one applies with it (as Flink's NFA checks both).
            WithinMillis = spec.WithinMs > 0 ? spec.WithinMs : null,
        };
    }

    private static List<PatternStage> Stages(IEnumerable<CepStage> stages) => stages.Select(s =>
    {
        if (s.Min < 1 || (s.Max != 0 && s.Max < s.Min))
            throw new PyStreamException($"pattern stage '{s.Name}': bad quantifier bounds {s.Min}..{(s.Max == 0 ? "" : s.Max)}");
        return new PatternStage(s.Name, Kind(s.Kind), Contiguity(s.Contiguity), s.Condition, new Quantifier(s.Min, s.Max == 0 ? null : s.Max)
        {
            Optional = s.Optional,
            Greedy = s.Greedy,
            Inner = Contiguity(s.Inner),
            Counted = s.Counted,
            WithinMillis = s.CountedWithinMs > 0 ? s.CountedWithinMs : null,
        })
        {
            Until = s.Until,
            Group = s.Group.Count > 0 ? Stages(s.Group) : null,
            PreviousWithinMillis = s.PreviousWithinMs > 0 ? s.PreviousWithinMs : null,
        };
    }).ToList();

    private static bool CanBeEmpty(PatternStage stage) =>
        stage.Kind != StageKind.Take || stage.Quantifier.Optional || (stage.Group is { } group && group.All(CanBeEmpty));

    private static StageKind Kind(CepStage.Types.Kind kind) => kind switch
    {
        CepStage.Types.Kind.Take => StageKind.Take,
        CepStage.Types.Kind.NotNext => StageKind.NotNext,
        CepStage.Types.Kind.NotFollowedBy => StageKind.NotFollowedBy,
        _ => throw new PyStreamException($"unknown pattern stage kind {kind}"),
    };

    private static Contiguity Contiguity(CepContiguity contiguity) => contiguity switch
    {
        CepContiguity.Strict => Cep.Contiguity.Strict,
        CepContiguity.Relaxed => Cep.Contiguity.Relaxed,
        CepContiguity.NonDeterministicRelaxed => Cep.Contiguity.NonDeterministicRelaxed,
        _ => throw new PyStreamException($"unknown contiguity {contiguity}"),
    };
}
