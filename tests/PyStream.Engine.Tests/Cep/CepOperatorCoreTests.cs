using System.Text;
using PyStream.Engine.Cep;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Keys;
using PyStream.Engine.State;

namespace PyStream.Engine.Tests.Cep;

public sealed class CepOperatorCoreTests
{
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
    public void ARunRestoredMidPatternAndRescaledTo3FindsTheSameMatches()
    {
        var c = new LambdaConditions();
        var pattern = PatternBuilder.Begin("a", c.Kind("a")).FollowedBy("b", c.Kind("b")).OneOrMore().Consecutive().FollowedBy("c", c.Kind("c"))
            .Build(skip: new AfterMatchSkip(AfterMatchSkipKind.SkipPastLastEvent), within: 50);
        var random = new Random(7);
        var kinds = new[] { "a", "b", "c", "x" };
        var events = Enumerable.Range(0, 600).Select(i => (Key: $"k{random.Next(20)}", Ev: new Ev(kinds[random.Next(4)] + i, 0, i / 3 + random.Next(3)))).ToList();
        const long watermarkLag = 3;

        // Without failure: one core, watermark after every 10 events.
        var whole = new RecordingCep(pattern, c);
        for (var i = 0; i < events.Count; i++)
            Feed(whole, events[i], i);
        whole.AdvanceWatermark(long.MaxValue - 1);

        // Half, snapshot, then three subtasks take the key groups of their ranges.
        var first = new RecordingCep(pattern, c);
        for (var i = 0; i < events.Count / 2; i++)
            Feed(first, events[i], i);
        first.Flush();
        var directory = Directory.CreateTempSubdirectory("cep-state");
        try
        {
            KeyedStateFile.Write(directory.FullName, "s.kv", first.Store, 128);
            var entries = KeyedStateFile.Read(Path.Combine(directory.FullName, "s.kv")).ToList();
            var subtasks = Enumerable.Range(0, 3).Select(s =>
            {
                var store = new HeapKeyedStateStore();
                var range = KeyGroupRange.Of(128, 3, s);
                foreach (var entry in entries.Where(e => range.Contains(e.KeyGroup)))
                    store.Put(entry.StateId, entry.Key, entry.Value);
                return new RecordingCep(pattern, c, store: store);
            }).ToList();
            var watermark = first.CurrentWatermark;
            foreach (var subtask in subtasks)
                subtask.AdvanceWatermark(watermark);
            for (var i = events.Count / 2; i < events.Count; i++)
                Feed(subtasks[KeyGroups.SubtaskOf(Encoding.UTF8.GetBytes(events[i].Key), 128, 3)], events[i], i, subtasks);
            foreach (var subtask in subtasks)
                subtask.AdvanceWatermark(long.MaxValue - 1);

            var restored = first.Matches.Concat(subtasks.SelectMany(s => s.Matches)).Order().ToList();
            var restoredTimeouts = first.TimedOut.Concat(subtasks.SelectMany(s => s.TimedOut)).Order().ToList();
            Assert.NotEmpty(whole.Matches);
            Assert.NotEmpty(whole.TimedOut);
            Assert.Equal(whole.Matches.Order().ToList(), restored);
            Assert.Equal(whole.TimedOut.Order().ToList(), restoredTimeouts);
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        void Feed(RecordingCep cep, (string Key, Ev Ev) e, int i, List<RecordingCep>? all = null)
        {
            cep.Send(e.Key, e.Ev);
            if (i % 10 == 9)
            {
                foreach (var target in all ?? [cep])
                    target.AdvanceWatermark(i / 3 - watermarkLag);
            }
        }
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
}
