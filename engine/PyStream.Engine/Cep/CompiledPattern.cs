namespace PyStream.Engine.Cep;

/// <summary>
/// A pattern compiled into NFA states by <see cref="NfaCompiler"/>: immutable, shared by
/// every key of an operator. Stages are numbered in <see cref="StageNames"/> (the shared
/// buffer stores the number).
/// </summary>
public sealed class CompiledPattern
{
    internal CompiledPattern(PatternDefinition definition, IReadOnlyList<string> stageNames, IReadOnlyList<GraphState> states, long windowMillis, ulong conditions)
    {
        Definition = definition;
        StageNames = stageNames;
        States = states;
        WindowMillis = windowMillis;
        Conditions = conditions;
        Start = states.Single(s => s.Type == NfaStateType.Start);
        SkipStage = definition.Skip.Stage is { } name ? IndexOfStage(name) : -1;
    }

    public PatternDefinition Definition { get; }

    /// <summary>The names of the stages that take events, in pattern order.</summary>
    public IReadOnlyList<string> StageNames { get; }

    /// <summary>The FIRST_AND_LAST window (the smallest <c>within</c> of that type) in milliseconds; 0 without one.</summary>
    public long WindowMillis { get; }

    /// <summary>The condition numbers the pattern uses, as bits.</summary>
    public ulong Conditions { get; }

    /// <summary>Whether any state has a PREVIOUS_AND_CURRENT window, or the pattern a FIRST_AND_LAST one.</summary>
    public bool HasWindow => WindowMillis > 0 || States.Any(s => s.PreviousWindow > 0);

    internal IReadOnlyList<GraphState> States { get; }

    internal GraphState Start { get; }

    /// <summary>The stage a skip_to_first/last strategy names; -1 for the other strategies.</summary>
    internal int SkipStage { get; }

    public int IndexOfStage(string name)
    {
        for (var i = 0; i < StageNames.Count; i++)
        {
            if (StageNames[i] == name)
                return i;
        }

        return -1;
    }

    /// <summary>The states and edges, one state a line (for tests and diagnostics).</summary>
    public string Describe() => string.Join('\n', States.Select(s =>
        $"{s.Id} {StageName(s)} {s.Type}{(s.Greedy ? " greedy" : "")}: " + string.Join(", ", s.Edges.Select(e => $"{e.Action} {e.Target.Id} [{e.Condition}]"))));

    private string StageName(GraphState state) => state.Stage >= 0 && state.Stage < StageNames.Count ? StageNames[state.Stage] : "$end$";
}
