using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.State;
using PyStream.Sql.Planning;
using PyStream.Sql.Runtime;
using PyStream.Sql.Types;

namespace PyStream.Sql.Tests.Runtime;

/// <summary>Merging session windows: bridging rows, touching windows, late rows, a restore, and aggregates that cannot merge.</summary>
public sealed class SessionWindowAggOperatorTests
{
    private const long Gap = 10_000;
    private static readonly AggCall CountStar = new("COUNT", [], false, -1, SqlType.BigInt.NotNull, []);
    private static readonly AggCall SumOfValue = new("SUM", [2], false, -1, SqlType.BigInt, [SqlType.BigInt]);
    private static readonly AggCall MaxOfValue = new("MAX", [2], false, -1, SqlType.BigInt, [SqlType.BigInt]);
    private static readonly SqlType[] InputTypes = [SqlType.BigInt, SqlType.Timestamp(3), SqlType.BigInt];

    [Fact]
    public void An_out_of_order_row_bridges_two_sessions_into_one()
    {
        var harness = new Harness(Calls(CountStar, SumOfValue, MaxOfValue));
        harness.Rows((1, 0, 1), (1, 18_000, 2), (2, 5_000, 7));
        harness.Watermark(1_000);
        harness.Rows((1, 9_000, 4)); // [9 s, 19 s) overlaps [0, 10 s) and [18 s, 28 s)
        harness.Rows((1, 40_000, 8));
        harness.Watermark(long.MaxValue);

        Assert.Equal(
        [
            Row(1, 0, 28_000, "3 7 4"),
            Row(1, 40_000, 50_000, "1 8 8"),
            Row(2, 5_000, 15_000, "1 7 7"),
        ], harness.Output());
    }

    [Fact]
    public void Windows_that_touch_merge_as_Flink_s_TimeWindow_intersects()
    {
        var harness = new Harness(Calls(CountStar));
        harness.Rows((1, 0, 1), (1, 10_000, 2), (1, 20_001, 3));
        harness.Watermark(long.MaxValue);

        Assert.Equal([Row(1, 0, 20_000, "2"), Row(1, 20_001, 30_001, "1")], harness.Output());
    }

    [Fact]
    public void A_window_fires_when_the_watermark_reaches_its_end_minus_one()
    {
        var harness = new Harness(Calls(CountStar));
        harness.Rows((1, 0, 1));
        harness.Watermark(9_998);
        Assert.Empty(harness.Output());
        harness.Watermark(9_999);
        Assert.Equal([Row(1, 0, 10_000, "1")], harness.Output());
    }

    [Fact]
    public void A_late_row_is_dropped_unless_it_merges_into_an_open_window()
    {
        var harness = new Harness(Calls(CountStar, SumOfValue, MaxOfValue));
        harness.Rows((1, 0, 1), (1, 20_000, 2));
        harness.Watermark(12_000); // fires [0, 10 s)
        harness.Rows((1, 1_000, 100)); // [1 s, 11 s): merges with nothing, behind the watermark
        harness.Rows((1, 15_000, 4)); // [15 s, 25 s): behind the watermark too, but it merges into [20 s, 30 s)
        harness.Rows((1, 5_000, 16)); // [5 s, 15 s): touches the merged [15 s, 30 s)
        harness.Watermark(long.MaxValue);

        Assert.Equal([Row(1, 0, 10_000, "1 1 1"), Row(1, 5_000, 30_000, "3 22 16")], harness.Output());
        Assert.Equal(1, harness.Operator.LateRowsDropped);
    }

    [Fact]
    public void Aggregates_that_cannot_merge_replay_their_values_earlier_window_first()
    {
        var value = SqlType.String;
        var harness = new Harness(Calls(
            new AggCall("FIRST_VALUE", [2], false, -1, value, [value]),
            new AggCall("LAST_VALUE", [2], false, -1, value, [value]),
            new AggCall("LISTAGG", [2], false, -1, value, [value]),
            new AggCall("COUNT", [2], true, -1, SqlType.BigInt.NotNull, [value])), [SqlType.BigInt, SqlType.Timestamp(3), value]);
        harness.Rows((1, 18_000, "b"), (1, 0, "a"));
        harness.Rows((1, 9_000, "a"));
        harness.Snapshot_and_restore();
        harness.Rows((1, 25_000, "c"));
        harness.Watermark(long.MaxValue);

        Assert.Equal([Row(1, 0, 35_000, "a c a,b,a,c 3")], harness.Output());
    }

    [Fact]
    public void Sessions_after_a_restore_equal_those_of_a_plain_model()
    {
        var calls = Calls(CountStar, SumOfValue, MaxOfValue);
        var straight = Run(calls, restoreAfter: -1, out _);
        var restored = Run(calls, restoreAfter: 13, out var late);

        var (model, modelLate) = Model();
        Assert.True(model.Count > 20, $"the data should make many sessions, made {model.Count}");
        Assert.True(modelLate > 0, "the data should have late rows");
        Assert.Equal(model, straight);
        Assert.Equal(model, restored);
        Assert.Equal(modelLate, late);
    }

    /// <summary>Rows (key, time in ms, value) in batches, out of order by up to 6 s, one in ten 15 s more; after each batch the watermark is the largest time seen minus 4 s.</summary>
    private static List<(long Key, long Millis, long Value)[]> Input()
    {
        var random = new Random(11);
        var batches = new List<(long, long, long)[]>();
        var time = 0L;
        for (var b = 0; b < 30; b++)
        {
            var batch = new (long, long, long)[20];
            for (var r = 0; r < batch.Length; r++)
            {
                time += random.Next(0, 6_000);
                batch[r] = (random.Next(0, 4), time - random.Next(0, 6_000) - (random.Next(0, 10) == 0 ? 15_000 : 0), random.Next(-50, 100));
            }

            batches.Add(batch);
        }

        return batches;
    }

    /// <summary>
    /// Sessions by hand: per key, the list of open sessions as (start, end, values); a row's
    /// [t, t + gap) joins every session it overlaps or touches, or is late when it joins none and
    /// ends at or before the watermark + 1; sessions ending at or before the watermark + 1 close.
    /// </summary>
    private static (List<string> Rows, long Late) Model()
    {
        var open = new Dictionary<long, List<(long Start, long End, List<long> Values)>>();
        var closed = new List<string>();
        var watermark = long.MinValue;
        var maxTime = long.MinValue;
        var late = 0L;
        void Close(long upTo)
        {
            foreach (var (key, sessions) in open)
            {
                foreach (var s in sessions.Where(s => s.End - 1 <= upTo).ToList())
                {
                    closed.Add($"{key} {s.Start * 1000} {s.End * 1000} {(s.End - 1) * 1000} {s.Values.Count} {s.Values.Sum()} {s.Values.Max()}");
                    sessions.Remove(s);
                }
            }
        }

        foreach (var batch in Input())
        {
            foreach (var (key, millis, value) in batch)
            {
                maxTime = Math.Max(maxTime, millis);
                var sessions = open.TryGetValue(key, out var list) ? list : open[key] = [];
                var joined = sessions.Where(s => s.Start <= millis + Gap && s.End >= millis).ToList();
                if (joined.Count == 0 && millis + Gap - 1 <= watermark)
                {
                    late++;
                    continue;
                }

                var values = joined.SelectMany(s => s.Values).Append(value).ToList();
                sessions.RemoveAll(joined.Contains);
                sessions.Add((joined.Select(s => s.Start).Append(millis).Min(), joined.Select(s => s.End).Append(millis + Gap).Max(), values));
            }

            watermark = maxTime - 4_000;
            Close(watermark);
        }

        Close(long.MaxValue);
        return (closed.Order(StringComparer.Ordinal).ToList(), late);
    }

    private static List<string> Run(AggregateCalls calls, int restoreAfter, out long late)
    {
        var harness = new Harness(calls);
        var maxTime = long.MinValue;
        var batches = Input();
        for (var b = 0; b < batches.Count; b++)
        {
            harness.Rows(batches[b].Select(r => (r.Key, r.Millis, (object)r.Value)).ToArray());
            maxTime = Math.Max(maxTime, batches[b].Max(r => r.Millis));
            harness.Watermark(maxTime - 4_000);
            if (b == restoreAfter)
                harness.Snapshot_and_restore();
        }

        harness.Watermark(long.MaxValue);
        late = harness.LateBeforeRestore + harness.Operator.LateRowsDropped;
        return harness.Output();
    }

    private static AggregateCalls Calls(params AggCall[] calls) => new(calls);

    private static string Row(long key, long start, long end, string results) => $"{key} {start * 1000} {end * 1000} {(end - 1) * 1000} {results}";

    /// <summary>Drives one operator: rows, watermarks, and a snapshot restored into a new operator over a new store.</summary>
    private sealed class Harness
    {
        private readonly AggregateCalls _calls;
        private readonly IReadOnlyList<SqlType> _inputTypes;
        private readonly CollectingRows _output = new();
        private IKeyedStateStore _store = new HeapKeyedStateStore();
        private long _watermark = long.MinValue;

        public Harness(AggregateCalls calls, IReadOnlyList<SqlType>? inputTypes = null)
        {
            _calls = calls;
            _inputTypes = inputTypes ?? InputTypes;
            Operator = Open();
        }

        public SessionWindowAggOperator Operator { get; private set; }

        public long LateBeforeRestore { get; private set; }

        public void Rows(params (long Key, long Millis, object Value)[] rows)
        {
            var builder = new RowBuilder(_inputTypes);
            foreach (var (key, millis, value) in rows)
                builder.Add(RowKind.Insert, [key, millis * 1000, value]);
            Operator.ProcessBatch(0, builder.Take()!);
        }

        public void Watermark(long watermark)
        {
            _watermark = watermark;
            Operator.ProcessWatermark(0, watermark);
        }

        public void Snapshot_and_restore()
        {
            Operator.SnapshotState(new CheckpointBarrier(1, 0, SnapshotKind.Checkpoint), new Dictionary<string, byte[]>());
            var restored = new HeapKeyedStateStore();
            foreach (var stateId in _store.StateIds)
            {
                foreach (var (key, value) in _store.Entries(stateId))
                    restored.Put(stateId, key, value);
            }

            LateBeforeRestore += Operator.LateRowsDropped;
            Operator.Close();
            _store = restored;
            Operator = Open();
            if (_watermark != long.MinValue)
                Operator.ProcessWatermark(0, _watermark);
        }

        /// <summary>The rows emitted so far, sorted, as "keys start end time results" (times in microseconds).</summary>
        public List<string> Output() => _output.Rows.Order(StringComparer.Ordinal).ToList();

        private SessionWindowAggOperator Open()
        {
            SqlType[] outputTypes = [SqlType.BigInt, SqlType.Timestamp(3), SqlType.Timestamp(3), SqlType.Timestamp(3), .. _calls.Calls.Select(c => c.Type)];
            return SqlOperatorHarness.Open(() => new SessionWindowAggOperator("session", new RowKeys([0], [SqlType.BigInt]), _calls, new WindowDefinition(WindowKind.Session, 0, 0, Gap, 0), 1, outputTypes), _output, _store);
        }
    }
}
