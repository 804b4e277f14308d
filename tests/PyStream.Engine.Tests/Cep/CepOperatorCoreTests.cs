using PyStream.Engine.Cep;

namespace PyStream.Engine.Tests.Cep;

public sealed class CepOperatorCoreTests
{
    /// <summary>Names starting with "a" go first, others keep arrival order (a stable sort, as Flink's <c>sorted(comparator)</c>).</summary>
    private static readonly Comparison<Ev> AFirst = (x, y) => (x.Name[0] == 'a' ? 0 : 1).CompareTo(y.Name[0] == 'a' ? 0 : 1);

    private static (PatternDefinition Pattern, LambdaConditions Conditions) AThenB(long? within = null)
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).FollowedBy("b", c.Kind("b")).Build(within: within);
        return (pattern, c);
    }

    [Fact]
    public void EventsWaitForTheWatermarkAndAreMatchedInTimestampOrder()
    {
        var (pattern, c) = AThenB();
        var cep = new RecordingCep(pattern, c);

        // b1 comes before a1 but is later in event time; a2 and b2 share a timestamp with arrival order a2, b2.
        cep.Send("k", new Ev("b1", Time: 20), new Ev("a1", Time: 10), new Ev("a2", Time: 30), new Ev("b2", Time: 30));
        Assert.Empty(cep.Matches);
        cep.AdvanceWatermark(25);
        Assert.Equal(["k: a1 b1"], cep.Matches);
        cep.AdvanceWatermark(30);
        Assert.Equal(["k: a1 b1", "k: a2 b2"], cep.Matches);
    }

    [Fact]
    public void EventsAtOrBehindTheWatermarkAreLate()
    {
        var (pattern, c) = AThenB();
        var cep = new RecordingCep(pattern, c);
        cep.Send("k", new Ev("a1", Time: 10));
        cep.AdvanceWatermark(10);
        cep.Send("k", new Ev("b0", Time: 5), new Ev("b1", Time: 10), new Ev("b2", Time: 11));
        cep.AdvanceWatermark(20);

        Assert.Equal(["k: b0", "k: b1"], cep.Late);
        Assert.Equal(["k: a1 b2"], cep.Matches);
    }

    [Fact]
    public void AWindowThatEndsReportsThePartialMatchAsTimedOut()
    {
        // a followedBy b within 10: a1 at 0 times out at 10 (10 - 0 >= 10); a2 at 5 completes with b at 14.
        var (pattern, c) = AThenB(within: 10);
        var cep = new RecordingCep(pattern, c);
        cep.Send("k", new Ev("a1", Time: 0), new Ev("a2", Time: 5));
        cep.AdvanceWatermark(9);
        Assert.Empty(cep.TimedOut);
        cep.AdvanceWatermark(10);
        Assert.Equal(["k: a1@10"], cep.TimedOut);
        cep.Send("k", new Ev("b1", Time: 14));
        cep.AdvanceWatermark(100);
        Assert.Equal(["k: a2 b1"], cep.Matches);
        Assert.Equal(["k: a1@10"], cep.TimedOut);
        cep.Flush();
        Assert.Empty(cep.Store.Entries("op/cep")); // nothing left for the key
    }

    [Fact]
    public void ProcessingTimeMatchesAtOnceAndTimesOutOnTheClock()
    {
        var (pattern, c) = AThenB(within: 100);
        var cep = new RecordingCep(pattern, c, CepTimeMode.ProcessingTime);
        cep.Send("k", new Ev("a1"));
        cep.AdvanceClock(50);
        cep.Send("k", new Ev("b1"), new Ev("a2"));
        Assert.Equal(["k: a1 b1"], cep.Matches);
        cep.AdvanceClock(99);
        Assert.Empty(cep.TimedOut);
        cep.AdvanceClock(1);
        Assert.Equal(["k: a2@1150"], cep.TimedOut); // a2 came at 1,050 on the clock that started at 1,000
    }

    [Fact]
    public void ABatchMatchedKeyByKeyReportsWhatItsEventsWouldOneByOneInTheSameOrder()
    {
        // In processing time a batch is matched key by key, and what that reports is handed on in the order of the events
        // that reported it. An event sent as a batch of its own cannot be reordered: both must report the same matches and
        // timeouts in the same order, timeouts included (the timers of keys due at the same time fire in the order they
        // were registered in).
        var random = new Random(20261209);
        var (compared, timeouts) = (0, 0);
        foreach (var (c, pattern, _) in RandomPatterns.Compilable(random))
        {
            var batched = new RecordingCep(pattern, c, CepTimeMode.ProcessingTime);
            var single = new RecordingCep(pattern, c, CepTimeMode.ProcessingTime);
            RandomPatterns.Drive(random, rounds: 8, most: 12, keys: 4,
                events =>
                {
                    batched.SendBatch(events);
                    foreach (var one in events)
                        single.SendBatch(one);
                },
                () =>
                {
                    batched.AdvanceClock(1);
                    single.AdvanceClock(1);
                });
            batched.AdvanceClock(2);
            single.AdvanceClock(2);
            Assert.Equal(single.Reported, batched.Reported);
            compared += single.Reported.Count;
            timeouts += single.TimedOut.Count;
        }

        Assert.True(compared > 500 && timeouts > 50, $"only {compared} reports compared, {timeouts} of them timeouts");
    }

    [Fact]
    public void ATieOrderDecidesHowEventsOfOneTimestampAreMatched()
    {
        var (pattern, c) = AThenB();
        var ordered = new RecordingCep(pattern, c, tieOrder: AFirst);
        var arrival = new RecordingCep(pattern, c);
        Ev[] events = [new("b1", Time: 30), new("a1", Time: 30), new("b2", Time: 30), new("a2", Time: 40), new("b3", Time: 50)];
        foreach (var cep in new[] { ordered, arrival })
        {
            cep.Send("k", events);
            cep.AdvanceWatermark(100);
        }

        // Sorted: a1 b1 b2 at 30, then a2 and b3; a followedBy b takes the first later b: a1 b1, a2 b3.
        Assert.Equal(["k: a1 b1", "k: a2 b3"], ordered.Matches);
        // In arrival order a1 comes after b1 and finds b2.
        Assert.Equal(["k: a1 b2", "k: a2 b3"], arrival.Matches);
    }

    [Fact]
    public void InProcessingTimeATieOrderHoldsEventsUntilTheirArrivalTimersFire()
    {
        var (pattern, c) = AThenB(within: 100);
        var cep = new RecordingCep(pattern, c, CepTimeMode.ProcessingTime, tieOrder: AFirst);
        cep.Send("k", new Ev("b1"), new Ev("a1"));
        Assert.Empty(cep.Matches); // held for the timer at their arrival time (1,000)
        cep.AdvanceClock(1);
        Assert.Equal(["k: a1 b1"], cep.Matches); // a1 sorted before b1 (in arrival order b1 would be skipped)
        cep.Send("k", new Ev("a2")); // at 1,001
        cep.AdvanceClock(99);
        Assert.Empty(cep.TimedOut);
        cep.AdvanceClock(1);
        Assert.Equal(["k: a2@1101"], cep.TimedOut);
    }

    [Fact]
    public void KeysBeyondTheCacheAreWrittenToTheStoreAndReadBack()
    {
        var (pattern, c) = AThenB();
        var cep = new RecordingCep(pattern, c, maxCachedKeys: 2);
        for (var k = 0; k < 5; k++)
            cep.Send($"k{k}", new Ev($"a{k}", Time: k));
        Assert.True(cep.CachedKeys <= 2, $"{cep.CachedKeys} keys cached");
        for (var k = 0; k < 5; k++)
            cep.Send($"k{k}", new Ev($"b{k}", Time: 10 + k));
        cep.AdvanceWatermark(100);
        Assert.Equal(Enumerable.Range(0, 5).Select(k => $"k{k}: a{k} b{k}"), cep.Matches.Order());
    }

    [Fact]
    public void TheFinalWatermarkEndsEveryWindowEvenBeforeTimeZero()
    {
        var (pattern, c) = AThenB(within: 10);
        var cep = new RecordingCep(pattern, c);
        cep.Send("k", new Ev("a1", Time: -50));
        cep.AdvanceWatermark(long.MaxValue);
        Assert.Equal(["k: a1@-40"], cep.TimedOut);
    }

    [Fact]
    public void IterativeConditionsOfAKeyAreAskedForInOneCallPerEvent()
    {
        // b is taken while it is larger than every b before it in the partial match.
        var c = new LambdaConditions();
        var a = c.Kind("a");
        var b = c.AddIterative((e, ctx) => e.Kind == "b" && ctx.EventsForPattern("b").All(p => p.Value < e.Value));
        var pattern = PatternBuilder.Begin("a", a).FollowedBy("b", b).OneOrMore().Consecutive().Build();
        var batch = new BatchLambdaConditions(c);
        var cep = new RecordingCep(pattern, batch);
        cep.Send("k", new Ev("a", 0, 1), new Ev("b1", 1, 2), new Ev("b2", 5, 3), new Ev("b3", 2, 4));
        cep.AdvanceWatermark(10);

        // b3 (2) is not larger than b2 (5): the loop ends; b3 alone cannot start (it needs an a).
        Assert.Equal(["k: a b1", "k: a b1 b2"], cep.Matches);
        Assert.InRange(batch.Batches, 1, 4); // at most one call per event of the key
    }
}
