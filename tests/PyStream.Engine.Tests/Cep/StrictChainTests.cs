using PyStream.Engine.Cep;

namespace PyStream.Engine.Tests.Cep;

/// <summary>
/// Patterns that compile to a strict chain run as one (<see cref="StrictChain{TEvent}"/>): which do, and that the chain
/// finds what a plain model of strict sequences finds and what the general steps find and time out (the same matches and
/// timed-out partial matches in the same order, under every skip strategy, with and without a window), across a snapshot
/// taken by either and restored into the chain.
/// </summary>
public sealed class StrictChainTests
{
    private static bool IsChain(Func<LambdaConditions, PatternDefinition> pattern)
    {
        var conditions = new LambdaConditions();
        return new Nfa<Ev>(NfaCompiler.Compile(pattern(conditions)), conditions).IsStrictChain;
    }

    [Fact]
    public void OnlyStrictSequencesOfSingleEventsWithSimpleConditionsRunAsAChain()
    {
        Assert.True(IsChain(c => PatternBuilder.Begin("a", c.Kind("a")).Next("b", c.Kind("b")).Next("c", c.Kind("c")).Build()));
        Assert.True(IsChain(c => PatternBuilder.Begin("a", c.Kind("a")).Build()));
        Assert.True(IsChain(c => PatternBuilder.Begin("f", c.Kind("f")).Times(3).Consecutive().Next("ok", c.Kind("o")).Build(new AfterMatchSkip(AfterMatchSkipKind.SkipPastLastEvent))));
        Assert.True(IsChain(c => PatternBuilder.Begin("a", c.Kind("a")).Next("b", c.Kind("b")).Build(within: 10)));
        // Three failed logins in a row, then a success, within 10 s (the login-alert example's shape).
        Assert.True(IsChain(c => PatternBuilder.Begin("f", c.Kind("f")).Times(3).Consecutive().Next("ok", c.Kind("o"))
            .Build(new AfterMatchSkip(AfterMatchSkipKind.SkipPastLastEvent), within: 10_000)));
        Assert.True(IsChain(c => PatternBuilder.Begin("a", c.Kind("a")).Next("b", c.Kind("b")).Build(new AfterMatchSkip(AfterMatchSkipKind.SkipToLast, "b"))));

        Assert.False(IsChain(c => PatternBuilder.Begin("a", c.Kind("a")).FollowedBy("b", c.Kind("b")).Build()));
        Assert.False(IsChain(c => PatternBuilder.Begin("a", c.Kind("a")).Next("b", c.Kind("b")).Optional().Next("c", c.Kind("c")).Build()));
        Assert.False(IsChain(c => PatternBuilder.Begin("a", c.Kind("a")).Next("b", c.Kind("b")).OneOrMore().Consecutive().Build()));
        Assert.False(IsChain(c => PatternBuilder.Begin("a", c.Kind("a")).Times(2).Next("b", c.Kind("b")).Build()));
        Assert.False(IsChain(c => PatternBuilder.Begin("a", c.Kind("a")).NotNext("n", c.Kind("n")).Next("b", c.Kind("b")).Build()));
        Assert.False(IsChain(c => PatternBuilder.Begin("a", c.Kind("a")).Next("b", c.Kind("b")).Build(within: 10, type: WithinType.PreviousAndCurrent)));
        Assert.False(IsChain(c => PatternBuilder.Begin("a", c.Kind("a")).Next("b", c.Kind("b")).PreviousWithin(5).Build()));
        Assert.False(IsChain(c => PatternBuilder.Begin("a", c.Kind("a")).Next("b", c.AddIterative((e, _) => e.Kind == "b")).Build()));
    }

    [Fact]
    public void AChainFindsWhatAPlainModelOfStrictSequencesFinds()
    {
        var random = new Random(20261207);
        var checkedMatches = 0;
        for (var run = 0; run < 300; run++)
        {
            var skip = random.Next(2) == 0 ? AfterMatchSkip.NoSkip : new AfterMatchSkip(AfterMatchSkipKind.SkipPastLastEvent);
            var (kinds, pattern, conditions) = RandomChain(random, _ => skip);
            var events = RandomEvents(random, random.Next(1, 30));
            var expected = Model(kinds, skip.Kind, events);
            var actual = Run(new Nfa<Ev>(NfaCompiler.Compile(pattern), conditions), conditions, events);
            Assert.True(expected.SequenceEqual(actual), $"{string.Join(" ", kinds)} {pattern.Skip.Kind} on {string.Join(" ", events)}\nexpected: {string.Join(" | ", expected)}\nactual:   {string.Join(" | ", actual)}");
            checkedMatches += expected.Count;
        }

        Assert.True(checkedMatches > 300, $"only {checkedMatches} matches checked");
    }

    [Fact]
    public void AChainFindsAndTimesOutWhatTheGeneralStepsDoUnderEverySkipStrategyAcrossSnapshots()
    {
        var random = new Random(7);
        var (checkedMatches, checkedTimeouts) = (0, 0);
        for (var run = 0; run < 400; run++)
        {
            long? within = random.Next(3) == 0 ? null : random.Next(1, 7);
            var (_, pattern, conditions) = RandomChain(random, stages => random.Next(6) switch
            {
                0 => AfterMatchSkip.NoSkip,
                1 => new AfterMatchSkip(AfterMatchSkipKind.SkipToNext),
                2 => new AfterMatchSkip(AfterMatchSkipKind.SkipToFirst, $"s{random.Next(stages)}"),
                3 => new AfterMatchSkip(AfterMatchSkipKind.SkipToLast, $"s{random.Next(stages)}"),
                _ => new AfterMatchSkip(AfterMatchSkipKind.SkipPastLastEvent),
            }, within);
            var compiled = NfaCompiler.Compile(pattern);
            var events = RandomEvents(random, random.Next(1, 30), timeSteps: within is not null);
            var general = new Nfa<Ev>(compiled, conditions, chains: false);
            var chain = new Nfa<Ev>(compiled, conditions);
            Assert.True(chain.IsStrictChain);
            var expected = Run(general, conditions, events);
            var cut = random.Next(events.Length + 1);
            // Snapshots taken by the general steps (a state written before chains were kept apart) and by the chain itself.
            Assert.Equal(expected, Run(chain, conditions, events));
            Assert.Equal(expected, Run(general, conditions, events[..cut], then: (chain, events[cut..])));
            Assert.Equal(expected, Run(general, conditions, events[..cut], then: (chain, events[cut..]), formatOne: true));
            Assert.Equal(expected, Run(chain, conditions, events[..cut], then: (chain, events[cut..])));
            checkedMatches += expected.Count(e => e.StartsWith("match", StringComparison.Ordinal));
            checkedTimeouts += expected.Count(e => e.StartsWith("timed out", StringComparison.Ordinal));
        }

        Assert.True(checkedMatches > 300, $"only {checkedMatches} matches checked");
        Assert.True(checkedTimeouts > 300, $"only {checkedTimeouts} timed-out partial matches checked");
    }

    [Fact]
    public void EveryEventAChainKeepsIsReleasedOnce()
    {
        var conditions = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", conditions.Add(e => e.Kind is "a" or "b")).Next("b", conditions.Add(e => e.Kind is "b" or "c"))
            .Next("c", conditions.Add(e => e.Kind is "c" or "a")).Build();
        var retention = new CountingRetention();
        var nfa = new Nfa<Ev>(NfaCompiler.Compile(pattern), conditions, retention);
        var state = nfa.CreateInitialState();
        var matches = new List<PatternMatch<Ev>>();
        var bits = new ulong[1];
        foreach (var ev in RandomEvents(new Random(3), 2000).Append(new Ev("a2000", Time: 2000)))
        {
            conditions.TestSimple([ev], bits);
            nfa.Process(state, ev, bits[0], ev.Time, matches);
        }

        var kept = state.Events.Count();
        state.ReleaseAll(retention);
        Assert.True(matches.Count > 100, $"{matches.Count} matches");
        Assert.True(kept > 0);
        Assert.Equal(retention.Detached, retention.Released.Count);
        Assert.All(matches.SelectMany(m => m.AllEvents.ToArray()), e => Assert.StartsWith("kept ", e.Name));
    }

    /// <summary>The kinds a chain's states take, the pattern (stages of a random kind, some counted consecutively), its conditions.</summary>
    private static (List<string> Kinds, PatternDefinition Pattern, LambdaConditions Conditions) RandomChain(Random random, Func<int, AfterMatchSkip> skip,
        long? within = null)
    {
        var conditions = new LambdaConditions();
        var kinds = new List<string>();
        PatternBuilder? builder = null;
        var stages = random.Next(1, 5);
        for (var s = 0; s < stages; s++)
        {
            var kind = $"{"abc"[random.Next(3)]}";
            var condition = conditions.Kind(kind);
            builder = builder is null ? PatternBuilder.Begin($"s{s}", condition) : builder.Next($"s{s}", condition);
            var times = random.Next(4) == 0 ? random.Next(2, 4) : 1;
            if (times > 1)
                builder.Times(times).Consecutive();
            kinds.AddRange(Enumerable.Repeat(kind, times));
        }

        return (kinds, builder!.Build(skip(stages), within), conditions);
    }

    /// <summary>Events of random kinds at times 0, 1, 2, ... or, with <paramref name="timeSteps"/>, 0 to 2 apart.</summary>
    private static Ev[] RandomEvents(Random random, int count, bool timeSteps = false)
    {
        var time = 0L;
        return [.. Enumerable.Range(0, count).Select(i => new Ev($"{"abc"[random.Next(3)]}{i}", Time: timeSteps ? time += random.Next(3) : i))];
    }

    /// <summary>
    /// Strict sequences stated plainly: a match is every run of consecutive events whose kinds are the chain's, in the
    /// order of their last event; with skip past last event, a run may not start before the last match ended.
    /// </summary>
    private static List<string> Model(List<string> kinds, AfterMatchSkipKind skip, Ev[] events)
    {
        var matches = new List<string>();
        var free = 0; // the first event a match may start at
        for (var end = kinds.Count - 1; end < events.Length; end++)
        {
            var start = end - kinds.Count + 1;
            if (start < free || !kinds.Select((k, i) => events[start + i].Kind == k).All(x => x))
                continue;
            matches.Add("match " + string.Join(" ", events[start..(end + 1)].Select(e => e.Name)));
            if (skip == AfterMatchSkipKind.SkipPastLastEvent)
                free = end + 1;
        }

        return matches;
    }

    /// <summary>
    /// What matching <paramref name="events"/> reports, in order (see <see cref="Feed"/>); with <paramref name="then"/>, the state is written, read
    /// back and goes on there; <paramref name="formatOne"/>: read as CEP state format 1 was (general steps only, no chain's mask and ring).
    /// </summary>
    private static List<string> Run(Nfa<Ev> nfa, LambdaConditions conditions, Ev[] events, (Nfa<Ev> Nfa, Ev[] Events)? then = null, bool formatOne = false)
    {
        var state = nfa.CreateInitialState();
        var reported = new List<string>();
        Feed(nfa, conditions, state, events, reported, end: then is null);
        if (then is { } rest)
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                state.Write(writer, EvSerializer.Instance);
            if (formatOne)
            {
                Assert.Equal(0UL, state.ChainLive);
                stream.SetLength(stream.Length - sizeof(ulong)); // format 1 ended with the shared buffer
            }

            stream.Position = 0;
            using var reader = new BinaryReader(stream);
            var restored = NfaState<Ev>.Read(reader, EvSerializer.Instance, withChain: !formatOne);
            Assert.Equal(stream.Length, stream.Position);
            Feed(rest.Nfa, conditions, restored, rest.Events, reported, end: true);
        }

        return reported;
    }

    /// <summary>
    /// Feeds the events as the operator does (time advanced to each event's, then the event) and, with <paramref name="end"/>,
    /// time to its end; what is reported as it comes: "match a1 b2", "timed out a1 @7".
    /// </summary>
    private static void Feed(Nfa<Ev> nfa, LambdaConditions conditions, NfaState<Ev> state, Ev[] events, List<string> reported, bool end)
    {
        var bits = new ulong[1];
        var matches = new List<PatternMatch<Ev>>();
        var timedOut = new List<(PatternMatch<Ev> Match, long Timestamp)>();
        void Report()
        {
            reported.AddRange(timedOut.Select(t => $"timed out {Names(t.Match)} @{t.Timestamp}"));
            reported.AddRange(matches.Select(m => $"match {Names(m)}"));
            matches.Clear();
            timedOut.Clear();
        }

        foreach (var ev in events)
        {
            nfa.AdvanceTime(state, ev.Time, matches, timedOut);
            Report();
            conditions.TestSimple([ev], bits);
            nfa.Process(state, ev, bits[0], ev.Time, matches);
            Report();
        }

        if (end)
            nfa.AdvanceTime(state, long.MaxValue, matches, timedOut);
        Report();
    }

    private static string Names(PatternMatch<Ev> match) => string.Join(" ", match.AllEvents.ToArray().Select(e => e.Name));

    /// <summary>A retention that hands out copies ("kept a1") and checks each copy comes back once.</summary>
    private sealed class CountingRetention : ICepEventRetention<Ev>
    {
        public int Detached { get; private set; }

        public HashSet<Ev> Released { get; } = new(ReferenceEqualityComparer.Instance);

        public Ev Detach(Ev value)
        {
            Detached++;
            return value with { Name = "kept " + value.Name };
        }

        public void Release(Ev value) => Assert.True(Released.Add(value), $"{value} released twice");
    }
}
