using PyStream.Engine.Cep;

namespace PyStream.Engine.Tests.Cep;

/// <summary>
/// Events matched as they come are tested only against the conditions the NFA may read when it matches them
/// (<see cref="CepOperatorCore{TEvent}.ConditionsInReach"/>): the conditions of the states the key's partial matches can be
/// in, widening with each event of the key in the batch. Leaving the other conditions untested changes no match.
/// </summary>
public sealed class ConditionsInReachTests
{
    [Fact]
    public void AKeyIsAskedOnlyForTheConditionsOfTheStatesItsPartialMatchesCanBeIn()
    {
        // a -> b -> c, strict: a key with no partial match reads only a; waiting for b, a and b; for c, a and c.
        var c = new LambdaConditions();
        var (a, b, cc) = (c.Kind("a"), c.Kind("b"), c.Kind("c"));
        var pattern = PatternBuilder.Begin("a", a).Next("b", b).Next("c", cc).Build(new AfterMatchSkip(AfterMatchSkipKind.SkipPastLastEvent));
        var cep = new RecordingCep(pattern, c, CepTimeMode.ProcessingTime);
        var (onlyA, aB, aC, all) = (Bits(a), Bits(a, b), Bits(a, cc), Bits(a, b, cc));

        // Each key's first event finds it with no partial match; a key's second event in the batch may find it after
        // an a, its third after a b as well (these ones happen to: a1 b1 c1).
        var reach = cep.SendBatchTestingConditionsInReach(c, ("k", new Ev("a1")), ("j", new Ev("x1")), ("k", new Ev("b1")), ("k", new Ev("c1")));
        Assert.Equal([onlyA, onlyA, aB, all], reach);
        Assert.Equal(["k: a1 b1 c1"], cep.Matches);

        // Between batches the reach starts again from the states the partial matches are in.
        Assert.Equal([onlyA, onlyA], cep.SendBatchTestingConditionsInReach(c, ("k", new Ev("a2")), ("j", new Ev("a3"))));
        Assert.Equal([aB, aB], cep.SendBatchTestingConditionsInReach(c, ("k", new Ev("b2")), ("j", new Ev("a4"))));
        Assert.Equal([aC, aB], cep.SendBatchTestingConditionsInReach(c, ("k", new Ev("c2")), ("j", new Ev("b3"))));
        Assert.Equal(["k: a1 b1 c1", "k: a2 b2 c2"], cep.Matches);
    }

    [Fact]
    public void TestingOnlyTheConditionsInReachFindsTheSameMatchesInTheSameOrder()
    {
        var random = new Random(20261207);
        var compared = 0;
        foreach (var (c, pattern, _) in RandomPatterns.Compilable(random))
        {
            var full = new RecordingCep(pattern, c, CepTimeMode.ProcessingTime);
            var inReach = new RecordingCep(pattern, c, CepTimeMode.ProcessingTime);
            RandomPatterns.Drive(random, rounds: 6, most: 8, keys: 3,
                events =>
                {
                    full.SendBatch(events);
                    inReach.SendBatchTestingConditionsInReach(c, events);
                },
                () =>
                {
                    full.AdvanceClock(1);
                    inReach.AdvanceClock(1);
                });
            Assert.Equal(full.Matches, inReach.Matches);
            Assert.Equal(full.TimedOut, inReach.TimedOut);
            compared += full.Matches.Count;
        }

        Assert.True(compared > 300, $"only {compared} matches compared");
    }

    [Fact]
    public void SkippingAKeyThatHoldsOnlyTheStartStateChangesNothingTheNfaStepWouldDo()
    {
        // The operator leaves a key that holds only the start state alone for an event its start state cannot take; the
        // NFA driven directly, per key, steps every event. Both must match and time out the same, key by key.
        var random = new Random(20261208);
        var compared = 0;
        foreach (var (c, pattern, compiled) in RandomPatterns.Compilable(random))
        {
            var operatorCore = new RecordingCep(pattern, c, CepTimeMode.ProcessingTime);
            var nfa = new Nfa<Ev>(compiled, c);
            var states = new Dictionary<string, NfaState<Ev>>();
            var expected = new List<string>();
            var expectedTimedOut = new List<string>();
            var matches = new List<PatternMatch<Ev>>();
            var timedOut = new List<(PatternMatch<Ev> Match, long Timestamp)>();
            void Collect(string key)
            {
                expected.AddRange(matches.Select(m => $"{key}: {NfaRun.Describe(m)}"));
                expectedTimedOut.AddRange(timedOut.Select(t => $"{key}: {NfaRun.Describe(t.Match)}@{t.Timestamp}"));
                matches.Clear();
                timedOut.Clear();
            }

            long Now() => operatorCore.Time.GetUtcNow().ToUnixTimeMilliseconds();

            void Tick()
            {
                operatorCore.AdvanceClock(1);
                foreach (var (key, state) in states)
                {
                    nfa.AdvanceTime(state, Now(), matches, timedOut);
                    Collect(key);
                }
            }

            var bits = new ulong[1];
            RandomPatterns.Drive(random, rounds: 8, most: 8, keys: 3,
                events =>
                {
                    operatorCore.SendBatchTestingConditionsInReach(c, events);
                    foreach (var (key, ev) in events)
                    {
                        if (!states.TryGetValue(key, out var state))
                            states[key] = state = nfa.CreateInitialState();
                        nfa.AdvanceTime(state, Now(), matches, timedOut);
                        c.TestSimple([ev], bits);
                        nfa.Process(state, ev, bits[0], Now(), matches);
                        Collect(key);
                    }
                },
                Tick, Now);

            Tick();
            Tick();
            foreach (var key in states.Keys)
            {
                Assert.Equal(expected.Where(m => m.StartsWith(key + ": ", StringComparison.Ordinal)), operatorCore.Matches.Where(m => m.StartsWith(key + ": ", StringComparison.Ordinal)));
                Assert.Equal(expectedTimedOut.Where(m => m.StartsWith(key + ": ", StringComparison.Ordinal)), operatorCore.TimedOut.Where(m => m.StartsWith(key + ": ", StringComparison.Ordinal)));
            }

            Assert.Equal(expected.Count, operatorCore.Matches.Count);
            compared += expected.Count;
        }

        Assert.True(compared > 300, $"only {compared} matches compared");
    }

    private static ulong Bits(params int[] conditions) => conditions.Aggregate(0UL, (bits, c) => bits | (1UL << c));
}
