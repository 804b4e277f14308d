using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Operators;

namespace PyStream.Engine.Tests.Runtime;

public sealed class BatchSizerTests
{
    [Fact]
    public void TheFirstCallIsSmallThenCallsTakeWhatFitsInTheTargetTime()
    {
        var sizer = BatchSizer.ForPythonCalls(maxRecords: 100_000);
        Assert.Equal(16, sizer.Limit);

        sizer.Observe(16, millis: 32); // 2 ms per record: 50 ms hold 25 records
        Assert.Equal(25, sizer.Limit);

        sizer.Observe(25, millis: 0.025); // 0.001 ms per record, faster: the estimate moves halfway, to 1.0005 ms
        Assert.Equal(49, sizer.Limit);
    }

    [Fact]
    public void OneSlowCallDoesNotShrinkTheNextButACallFarOverTheTargetCountsAtOnce()
    {
        var sizer = BatchSizer.ForPythonCalls(maxRecords: 65_536);
        sizer.Observe(16, millis: 0.001);
        Assert.Equal(65_536, sizer.Limit);

        // 131 ms (a pause): the estimate moves a quarter of the way, to 0.000546875 ms per record,
        // and 50 ms still hold more than the maximum.
        sizer.Observe(65_536, millis: 131.072);
        Assert.Equal(65_536, sizer.Limit);

        sizer.Observe(65_536, millis: 65_536 * 0.5); // far over 500 ms: 0.5 ms per record at once
        Assert.Equal(100, sizer.Limit);

        sizer.Observe(1, millis: 10_000); // slower than the target for one record: still one
        Assert.Equal(1, sizer.Limit);
    }

    [Fact]
    public void AMaximumBelowTheFirstCallBoundsItToo() => Assert.Equal(4, BatchSizer.ForPythonCalls(maxRecords: 4).Limit);

    [Fact]
    public void CuttingABatchKeepsEachRecordsKeyTimestampAndSplit()
    {
        byte[][] keys = ["a"u8.ToArray(), "bb"u8.ToArray(), [], "ddd"u8.ToArray()];
        var ends = keys.Select(k => (long)k.Length).ToArray();
        for (var i = 1; i < ends.Length; i++)
            ends[i] += ends[i - 1];
        var batch = new LongRangeBatch(10, 4, step: 5)
        {
            Keys = new KeyBlob([.. keys.SelectMany(k => k)], ends),
            Timestamps = [100, 101, 102, 103],
            Split = 7,
        };

        var (head, tail) = BatchPieces.Take(batch, 1, python: null);

        var first = Assert.IsType<LongRangeBatch>(head);
        var rest = Assert.IsType<LongRangeBatch>(tail);
        Assert.Equal((10L, 1), (first.Start, first.Count));
        Assert.Equal((15L, 3, 5L), (rest.Start, rest.Count, rest.Step));
        Assert.Equal([100L], first.Timestamps!);
        Assert.Equal([101L, 102, 103], rest.Timestamps!);
        Assert.Equal("a"u8.ToArray(), first.Keys!.KeyAt(0).ToArray());
        Assert.Equal(["bb", "", "ddd"], Enumerable.Range(0, 3).Select(i => System.Text.Encoding.UTF8.GetString(rest.Keys!.KeyAt(i))));
        Assert.Equal((7, 7), (first.Split, rest.Split));

        var (line, lines) = BatchPieces.Take(new TextBatch(["x", "y", "z"]), 2, python: null);
        Assert.Equal(["x", "y"], ((TextBatch)line).Lines);
        Assert.Equal(["z"], ((TextBatch)lines).Lines);
        Assert.False(BatchPieces.CanCut(new BytesBatch([1, 2], 2)));
    }
}
