using PyStream.Engine.Cep;

namespace PyStream.Engine.Tests.Cep;

/// <summary>An event of the CEP tests: a name ("a", "b1"), a value and a timestamp.</summary>
internal sealed record Ev(string Name, int Value = 0, long Time = 0)
{
    /// <summary>The name's kind: its letters ("b" for "b1").</summary>
    public string Kind => new(Name.TakeWhile(char.IsLetter).ToArray());

    public override string ToString() => Name;
}

/// <summary>Numbered conditions over <see cref="Ev"/> from C# lambdas; records how often each was evaluated.</summary>
internal sealed class LambdaConditions : ICepConditions<Ev>
{
    private readonly List<(Func<Ev, bool>? Simple, Func<Ev, IConditionContext<Ev>, bool>? Iterative)> _conditions = [];

    public int Count => _conditions.Count;

    public int IterativeCalls { get; private set; }

    public int Add(Func<Ev, bool> condition)
    {
        _conditions.Add((condition, null));
        return _conditions.Count - 1;
    }

    /// <summary>A condition on the event's kind ("b" takes b1, b2...).</summary>
    public int Kind(string kind) => Add(e => e.Kind == kind);

    public int AddIterative(Func<Ev, IConditionContext<Ev>, bool> condition)
    {
        _conditions.Add((null, condition));
        return _conditions.Count - 1;
    }

    public bool IsIterative(int condition) => _conditions[condition].Iterative is not null;

    public void TestSimple(ReadOnlySpan<Ev> events, Span<ulong> results)
    {
        for (var i = 0; i < events.Length; i++)
        {
            var bits = 0UL;
            for (var c = 0; c < _conditions.Count; c++)
            {
                if (_conditions[c].Simple is { } simple && simple(events[i]))
                    bits |= 1UL << c;
            }

            results[i] = bits;
        }
    }

    public bool TestIterative(int condition, Ev ev, IConditionContext<Ev> context)
    {
        IterativeCalls++;
        return _conditions[condition].Iterative!(ev, context);
    }
}

/// <summary>The same conditions, evaluated through the batch interface.</summary>
internal sealed class BatchLambdaConditions(LambdaConditions inner) : ICepConditions<Ev>, ICepBatchConditions<Ev>
{
    public int Batches { get; private set; }

    public int Count => inner.Count;

    public bool IsIterative(int condition) => inner.IsIterative(condition);

    public void TestSimple(ReadOnlySpan<Ev> events, Span<ulong> results) => inner.TestSimple(events, results);

    public bool TestIterative(int condition, Ev ev, IConditionContext<Ev> context) => inner.TestIterative(condition, ev, context);

    public void TestIterative(IReadOnlyList<IterativeTest<Ev>> tests, Span<bool> results)
    {
        Batches++;
        for (var i = 0; i < tests.Count; i++)
            results[i] = inner.TestIterative(tests[i].Condition, tests[i].Event, tests[i].Context);
    }
}

/// <summary>Builds pattern definitions in the shape of Flink's Pattern API, for tests.</summary>
internal sealed class PatternBuilder
{
    private readonly List<PatternStage> _stages = [];

    public static PatternBuilder Begin(string name, int condition) => new PatternBuilder().Add(name, StageKind.Take, Contiguity.Relaxed, condition);

    public PatternBuilder Next(string name, int condition) => Add(name, StageKind.Take, Contiguity.Strict, condition);

    public PatternBuilder FollowedBy(string name, int condition) => Add(name, StageKind.Take, Contiguity.Relaxed, condition);

    public PatternBuilder FollowedByAny(string name, int condition) => Add(name, StageKind.Take, Contiguity.NonDeterministicRelaxed, condition);

    public PatternBuilder NotNext(string name, int condition) => Add(name, StageKind.NotNext, Contiguity.Strict, condition);

    public PatternBuilder NotFollowedBy(string name, int condition) => Add(name, StageKind.NotFollowedBy, Contiguity.Relaxed, condition);

    public PatternBuilder Group(string name, Contiguity contiguity, PatternBuilder group)
    {
        _stages.Add(new PatternStage(name, StageKind.Take, contiguity, -1, Quantifier.One) { Group = group._stages });
        return this;
    }

    public PatternBuilder Add(string name, StageKind kind, Contiguity contiguity, int condition)
    {
        _stages.Add(new PatternStage(name, kind, contiguity, condition, Quantifier.One));
        return this;
    }

    public PatternBuilder Times(int n, long? within = null) => Quantify(q => q with { Min = n, Max = n, Counted = true, WithinMillis = within });

    public PatternBuilder Times(int from, int to) => Quantify(q => q with { Min = from, Max = to, Counted = true });

    public PatternBuilder OneOrMore(long? within = null) => Quantify(q => q with { Min = 1, Max = null, Counted = true, WithinMillis = within });

    public PatternBuilder TimesOrMore(int n) => Quantify(q => q with { Min = n, Max = null, Counted = true });

    public PatternBuilder Optional() => Quantify(q => q with { Optional = true });

    public PatternBuilder Greedy() => Quantify(q => q with { Greedy = true });

    public PatternBuilder Consecutive() => Quantify(q => q with { Inner = Contiguity.Strict });

    public PatternBuilder AllowCombinations() => Quantify(q => q with { Inner = Contiguity.NonDeterministicRelaxed });

    public PatternBuilder Until(int condition)
    {
        _stages[^1] = _stages[^1] with { Until = condition };
        return this;
    }

    public PatternBuilder StageWithin(long millis)
    {
        _stages[^1] = _stages[^1] with { WithinMillis = millis };
        return this;
    }

    /// <summary><c>within(millis, PREVIOUS_AND_CURRENT)</c> on the last stage.</summary>
    public PatternBuilder PreviousWithin(long millis)
    {
        _stages[^1] = _stages[^1] with { PreviousWithinMillis = millis };
        return this;
    }

    private PatternBuilder Quantify(Func<Quantifier, Quantifier> change)
    {
        _stages[^1] = _stages[^1] with { Quantifier = change(_stages[^1].Quantifier) };
        return this;
    }

    public PatternDefinition Build(AfterMatchSkip? skip = null, long? within = null, WithinType type = WithinType.FirstAndLast) =>
        new(_stages.ToList(), skip ?? AfterMatchSkip.NoSkip) { WithinMillis = within, WithinType = type };
}

/// <summary>Runs an NFA over events in order (as the operator does: advance time, then process) and writes matches as event names.</summary>
internal static class NfaRun
{
    public static List<string> Matches(PatternDefinition pattern, ICepConditions<Ev> conditions, params string[] names) =>
        Run(pattern, conditions, names.Select((n, i) => new Ev(n, 0, i + 1)).ToArray()).Matches;

    /// <summary>Events named <paramref name="names"/> at times 1, 2, 3...; matches written with their stages ("a:a1 b:b1,b2").</summary>
    public static List<string> StagedMatches(PatternDefinition pattern, ICepConditions<Ev> conditions, params string[] names) =>
        Run(pattern, conditions, names.Select((n, i) => new Ev(n, 0, i + 1)).ToArray(), describe: DescribeStages).Matches;

    public static (List<string> Matches, List<string> TimedOut) Run(PatternDefinition pattern, ICepConditions<Ev> conditions, Ev[] events, long? endTime = null,
        Func<PatternMatch<Ev>, string>? describe = null)
    {
        describe ??= Describe;
        var nfa = new Nfa<Ev>(NfaCompiler.Compile(pattern), conditions);
        var state = nfa.CreateInitialState();
        var matches = new List<PatternMatch<Ev>>();
        var timedOut = new List<(PatternMatch<Ev>, long)>();
        var bits = new ulong[1];
        foreach (var ev in events)
        {
            nfa.AdvanceTime(state, ev.Time, matches, timedOut);
            conditions.TestSimple([ev], bits);
            nfa.Process(state, ev, bits[0], ev.Time, matches);
        }

        if (endTime is { } end)
            nfa.AdvanceTime(state, end, matches, timedOut);
        return (matches.Select(describe).ToList(), timedOut.Select(t => $"{describe(t.Item1)}@{t.Item2}").ToList());
    }

    /// <summary>A match as its events in time order: "a b1 c".</summary>
    public static string Describe(PatternMatch<Ev> match) =>
        string.Join(" ", match.All.Select(x => x.Event).OrderBy(e => e.Time).ThenBy(e => e.Name, StringComparer.Ordinal).Select(e => e.Name));

    /// <summary>A match with its stages in pattern order of first event: "a:a1 b:b1,b2 c:c1".</summary>
    public static string DescribeStages(PatternMatch<Ev> match) =>
        string.Join(" ", match.Stages.Select((s, i) => $"{s}:{string.Join(",", match.Events[i])}"));
}

/// <summary>Random patterns over the kinds a, b, c, d (simple conditions only), and batches of events for them, for the randomized operator tests.</summary>
internal static class RandomPatterns
{
    /// <summary>
    /// Of 300 random patterns, those the compiler accepts (it refuses some combinations: a negation after an optional
    /// stage, ...), each with its conditions; made one at a time, so a caller's own draws from <paramref name="random"/>
    /// come between them.
    /// </summary>
    public static IEnumerable<(LambdaConditions Conditions, PatternDefinition Pattern, CompiledPattern Compiled)> Compilable(Random random)
    {
        for (var run = 0; run < 300; run++)
        {
            var c = new LambdaConditions();
            var pattern = Pattern(random, c);
            CompiledPattern compiled;
            try
            {
                compiled = NfaCompiler.Compile(pattern);
            }
            catch (CepPatternException)
            {
                continue;
            }

            yield return (c, pattern, compiled);
        }
    }

    /// <summary>
    /// A batch of 1 to <paramref name="most"/> events of the keys k0, k1, ... (<paramref name="keys"/> of them), each of a random kind
    /// (a to d) and named by its kind and the next number of <paramref name="sequence"/>, at <paramref name="time"/>.
    /// </summary>
    public static (string Key, Ev Event)[] Batch(Random random, int most, int keys, ref int sequence, long time = 0)
    {
        var events = new (string Key, Ev Event)[random.Next(1, most + 1)];
        for (var i = 0; i < events.Length; i++)
        {
            var key = $"k{random.Next(keys)}";
            events[i] = (key, new Ev($"{"abcd"[random.Next(4)]}{sequence++}", Time: time));
        }

        return events;
    }

    /// <summary>
    /// Sends <paramref name="rounds"/> random batches (<see cref="Batch"/>, numbered on from 0, at the time
    /// <paramref name="now"/> gives, 0 without it) to <paramref name="send"/>, and after about a third of them calls
    /// <paramref name="tick"/>: the driving loop of the randomized tests that compare two ways of matching the same events.
    /// </summary>
    public static void Drive(Random random, int rounds, int most, int keys, Action<(string Key, Ev Event)[]> send, Action tick,
        Func<long>? now = null)
    {
        var sequence = 0;
        for (var round = 0; round < rounds; round++)
        {
            send(Batch(random, most, keys, ref sequence, now?.Invoke() ?? 0));
            if (random.Next(3) == 0)
                tick();
        }
    }

    /// <summary>Two to four stages of random kinds, contiguities and quantifiers (loops, optional, negations, a window).</summary>
    private static PatternDefinition Pattern(Random random, LambdaConditions c)
    {
        var builder = PatternBuilder.Begin("s0", c.Kind("a"));
        Quantify(random, builder);
        var stages = random.Next(1, 4);
        for (var i = 1; i <= stages; i++)
        {
            var kind = $"{"abcd"[random.Next(4)]}";
            var negated = i < stages && random.Next(6) == 0;
            if (negated)
            {
                builder = random.Next(2) == 0 ? builder.NotNext($"s{i}", c.Kind(kind)) : builder.NotFollowedBy($"s{i}", c.Kind(kind));
                continue;
            }

            builder = random.Next(3) switch
            {
                0 => builder.Next($"s{i}", c.Kind(kind)),
                1 => builder.FollowedBy($"s{i}", c.Kind(kind)),
                _ => builder.FollowedByAny($"s{i}", c.Kind(kind)),
            };
            Quantify(random, builder);
        }

        var skip = random.Next(3) switch
        {
            0 => AfterMatchSkip.NoSkip,
            1 => new AfterMatchSkip(AfterMatchSkipKind.SkipPastLastEvent),
            _ => new AfterMatchSkip(AfterMatchSkipKind.SkipToNext),
        };
        return builder.Build(skip, within: random.Next(4) == 0 ? 1 : null);
    }

    private static void Quantify(Random random, PatternBuilder builder)
    {
        switch (random.Next(6))
        {
            case 0:
                builder.OneOrMore();
                break;
            case 1:
                builder.Times(1, 2).Consecutive();
                break;
            case 2:
                builder.Times(2);
                break;
        }

        if (random.Next(5) == 0)
            builder.Optional();
    }
}
