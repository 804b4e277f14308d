using PyStream.Engine.Keys;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime.Partitioning;
using EdgePartitioning = PyStream.Engine.Spec.Partitioning;

namespace PyStream.Engine.Tests.Runtime.Partitioning;

public sealed class BatchRouterTests
{
    private static BatchRouter Router(EdgePartitioning partitioning, int targets, int firstTarget = 0) =>
        new(partitioning, targets, maxParallelism: 128, python: null, firstTarget);

    private static List<long> Values(Batch? batch) =>
        batch is LongRangeBatch range ? Enumerable.Range(0, range.Count).Select(i => range[i]).ToList() : [];

    [Theory]
    [InlineData(3, 0, 10)]
    [InlineData(3, 2, 10)]
    [InlineData(4, 1, 2)]
    [InlineData(5, 0, 1)]
    [InlineData(2, 1, 8192)]
    public void RoundRobinOfALongRangeSendsRecordIToTargetFirstPlusI(int targets, int first, int count)
    {
        var routed = Router(EdgePartitioning.Rebalance, targets, first).Route(new LongRangeBatch(100, count, step: 3));

        Assert.Equal(targets, routed.Length);
        for (var t = 0; t < targets; t++)
        {
            var expected = Enumerable.Range(0, count).Where(i => (first + i) % targets == t).Select(i => 100L + (3L * i));
            Assert.Equal(expected, Values(routed[t]));
        }
    }

    [Fact]
    public void RoundRobinContinuesAcrossBatchesAndKeepsEveryValueExactlyOnce()
    {
        var router = Router(EdgePartitioning.Rebalance, targets: 3, firstTarget: 1);
        var received = new List<long>[3];
        for (var t = 0; t < 3; t++)
            received[t] = [];

        long next = 0;
        foreach (var size in new[] { 5, 1, 7, 3, 2 })
        {
            var routed = router.Route(new LongRangeBatch(next, size));
            for (var t = 0; t < 3; t++)
                received[t].AddRange(Values(routed[t]));
            next += size;
        }

        Assert.Equal(Enumerable.Range(0, 18).Select(i => (long)i), received.SelectMany(r => r).Order());
        for (var t = 0; t < 3; t++)
            Assert.All(received[t], value => Assert.Equal(t, (1 + value) % 3));
    }

    [Fact]
    public void SingleTargetGetsTheBatchItself()
    {
        var batch = new TextBatch(["a", "b"]);

        var routed = Router(EdgePartitioning.Hash, targets: 1).Route(batch);

        Assert.Same(batch, Assert.Single(routed));
    }

    [Fact]
    public void RoundRobinOfTextSplitsByRecord()
    {
        var routed = Router(EdgePartitioning.Rescale, targets: 2).Route(new TextBatch(["a", "b", "c"]));

        Assert.Equal(["a", "c"], ((TextBatch)routed[0]!).Lines);
        Assert.Equal(["b"], ((TextBatch)routed[1]!).Lines);
    }

    [Fact]
    public void HashRoutingOfTextWithoutKeysFails()
    {
        var router = Router(EdgePartitioning.Hash, targets: 2);

        var error = Assert.Throws<PyStreamException>(() => router.Route(new TextBatch(["a"])));
        Assert.Contains("keyed records", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HashRoutingSendsEveryRecordToTheSubtaskOfItsKey()
    {
        string[] lines = ["apple", "banana", "cherry", "date", "elder", "fig", "grape", "apple"];
        var targets = 3;
        var keys = lines.Select(l => System.Text.Encoding.UTF8.GetBytes(l)).ToArray();
        var ends = new long[keys.Length];
        long end = 0;
        for (var i = 0; i < keys.Length; i++)
            ends[i] = end += keys[i].Length;
        var batch = new TextBatch(lines) { Keys = new KeyBlob([.. keys.SelectMany(k => k)], ends) };

        var routed = Router(EdgePartitioning.Hash, targets).Route(batch);

        var expected = lines.GroupBy(l => KeyGroups.SubtaskOf(System.Text.Encoding.UTF8.GetBytes(l), 128, targets));
        foreach (var group in expected)
            Assert.Equal(group, ((TextBatch)routed[group.Key]!).Lines);
        Assert.Equal(lines.Length, routed.Sum(b => b?.Count ?? 0));
        Assert.All(Enumerable.Range(0, targets).Where(t => expected.All(g => g.Key != t)), t => Assert.Null(routed[t]));
    }

    [Fact]
    public void CustomRoutingFollowsThePartitionIndexes()
    {
        var batch = new TextBatch(["a", "b", "c", "d"]) { Partitions = [2, 0, 2, 2] };

        var routed = Router(EdgePartitioning.Custom, targets: 3).Route(batch);

        Assert.Equal(["b"], ((TextBatch)routed[0]!).Lines);
        Assert.Null(routed[1]);
        Assert.Equal(["a", "c", "d"], ((TextBatch)routed[2]!).Lines);
    }

    [Fact]
    public void CustomPartitionOutsideTheTargetsFails()
    {
        var batch = new TextBatch(["a"]) { Partitions = [3] };

        var error = Assert.Throws<PyStreamException>(() => Router(EdgePartitioning.Custom, targets: 3).Route(batch));
        Assert.Contains("returned 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BroadcastSendsTheNativeBatchToEveryTarget()
    {
        var batch = new LongRangeBatch(0, 4);

        var routed = Router(EdgePartitioning.Broadcast, targets: 3).Route(batch);

        Assert.All(routed, b => Assert.Same(batch, b));
    }

    [Fact]
    public void ShuffleKeepsEveryRecordExactlyOnce()
    {
        var lines = Enumerable.Range(0, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        var routed = Router(EdgePartitioning.Shuffle, targets: 4).Route(new TextBatch(lines));

        Assert.Equal(lines.Order(StringComparer.Ordinal), routed.SelectMany(b => ((TextBatch?)b)?.Lines ?? []).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void PythonRecordsWithoutThePythonRuntimeFail()
    {
        using var batch = new PythonBatch(new object(), 2);

        var error = Assert.Throws<PyStreamException>(() => Router(EdgePartitioning.Rebalance, targets: 2).Route(batch));
        Assert.Contains("Python runtime", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoundRobinOfPrintedRecordsWithNewlinesKeepsEveryRecord()
    {
        // Python's printed exit joins records ["a\nb", "c"] with '\n' and says where each ends.
        var batch = new TextBatch("a\nb\nc", count: 2, ends: [3, 5]);

        var routed = Router(EdgePartitioning.Rebalance, targets: 2).Route(batch);

        Assert.Equal(2, routed.Sum(b => b?.Count ?? 0));
        Assert.Equal(["a\nb", "c"], routed.SelectMany(b => ((TextBatch)b!).Lines).Order());
    }

    [Fact]
    public void KeysTimestampsAndSessionGapsFollowTheirRecordsThroughAHashSplit()
    {
        // Four records with distinct one-byte keys; their columns must stay aligned after routing.
        var keys = new KeyBlob([1, 2, 3, 4], [1, 2, 3, 4]);
        var batch = new TextBatch(["a", "b", "c", "d"]) { Keys = keys, Timestamps = [10, 20, 30, 40], SessionGaps = [1, 2, 3, 4] };

        var routed = Router(EdgePartitioning.Hash, targets: 2).Route(batch);

        var seen = new List<(string Line, byte Key, long Timestamp, long Gap)>();
        foreach (var part in routed.OfType<TextBatch>())
        {
            for (var i = 0; i < part.Count; i++)
                seen.Add((part.Lines[i], part.Keys!.KeyAt(i)[0], part.Timestamps![i], part.SessionGaps![i]));
        }

        Assert.Equal([("a", (byte)1, 10L, 1L), ("b", (byte)2, 20L, 2L), ("c", (byte)3, 30L, 3L), ("d", (byte)4, 40L, 4L)], seen.OrderBy(s => s.Line));
    }
}

