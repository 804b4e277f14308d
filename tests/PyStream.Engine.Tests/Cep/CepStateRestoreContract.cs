using System.Text;
using PyStream.Engine.Cep;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Keys;
using PyStream.Engine.State;

namespace PyStream.Engine.Tests.Cep;

/// <summary>
/// A CEP run killed mid-pattern and resumed from a checkpoint of its keyed state, rescaled
/// 1 to 3 by key group, finds the same matches and timeouts as a run without failure. Run
/// once per state backend (heap here, RocksDB in PyStream.State.RocksDb.Tests).
/// </summary>
public abstract class CepStateRestoreContract : IDisposable
{
    private readonly List<IKeyedStateStore> _stores = [];

    protected abstract IKeyedStateStore CreateStore();

    public void Dispose()
    {
        foreach (var store in _stores)
            store.Dispose();
        GC.SuppressFinalize(this);
    }

    private IKeyedStateStore Track(IKeyedStateStore store)
    {
        _stores.Add(store);
        return store;
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
        var whole = new RecordingCep(pattern, c, store: Track(CreateStore()));
        for (var i = 0; i < events.Count; i++)
            Feed(whole, events[i], i);
        whole.AdvanceWatermark(long.MaxValue - 1);

        // Half, snapshot, then three subtasks take the key groups of their ranges.
        var first = new RecordingCep(pattern, c, store: Track(CreateStore()));
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
                var store = Track(CreateStore());
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
}

public sealed class HeapCepStateRestoreTests : CepStateRestoreContract
{
    protected override IKeyedStateStore CreateStore() => new HeapKeyedStateStore();
}
