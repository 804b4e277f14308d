using System.Buffers;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.UserCode;
using PyStream.Network.Wire;

namespace PyStream.Network.Tests.Wire;

public sealed class BatchWireFormatTests
{
    [Fact]
    public void RowsKeepTheirColumnsNullsKindsAndPerRecordColumns()
    {
        var rows = new RowBatch(
        [
            new Column<long>([1, -2, long.MaxValue]),
            new Column<int>([7, 0, -9], [false, true, false]),
            new Column<string>(["a", null!, "€ and 𝄞"], [false, true, false]),
            new Column<double>([0.5, double.NaN, -1e300]),
            new Column<bool>([true, false, true]),
            new Column<decimal>([1.25m, -3m, 0m]),
            new Column<byte[]>([[1, 2], [], null!]),
            new Column<short>([1, 2, 3]),
            new Column<sbyte>([-1, 0, 1]),
            new Column<float>([1.5f, 2.5f, -0f]),
        ], 3, [RowKind.Insert, RowKind.UpdateBefore, RowKind.Delete])
        {
            Keys = new KeyBlob([1, 2, 3, 4, 5, 6], [1, 3, 6]),
            Timestamps = [1_700_000_000_000, long.MinValue, 1_700_000_000_005],
            SessionGaps = [10, 20, 30],
            Partitions = [2, 0, 1],
        };
        rows.Split = 4;

        var back = Assert.IsType<RowBatch>(RoundTrip(rows));

        Assert.Equal(3, back.Count);
        for (var c = 0; c < rows.Columns.Length; c++)
        {
            Assert.Equal(rows.Columns[c].ValueType, back.Columns[c].ValueType);
            Assert.Equal(rows.Columns[c].Nulls, back.Columns[c].Nulls);
            for (var r = 0; r < 3; r++)
                Assert.Equal(rows.Columns[c].GetBoxed(r), back.Columns[c].GetBoxed(r));
        }

        Assert.Equal(rows.Kinds, back.Kinds);
        Assert.Equal(rows.Keys.Data, back.Keys!.Data);
        Assert.Equal(rows.Keys.Ends, back.Keys.Ends);
        Assert.Equal(rows.Timestamps, back.Timestamps);
        Assert.Equal(rows.SessionGaps, back.SessionGaps);
        Assert.Equal(rows.Partitions, back.Partitions);
        Assert.Equal(4, back.Split);
    }

    [Fact]
    public void TextBytesAndRangesKeepTheirRecordsAndBucket()
    {
        var text = Assert.IsType<TextBatch>(RoundTrip(new TextBatch(["one", "", "line\nwith newline", new string('x', 300)]) { Bucket = "dt=2024-01-01" }));
        Assert.Equal(["one", "", "line\nwith newline", new string('x', 300)], text.Lines);
        Assert.Equal("dt=2024-01-01", text.Bucket);
        Assert.Equal(-1, text.Split);

        var bytes = Assert.IsType<BytesBatch>(RoundTrip(new BytesBatch([9, 8, 7], 2)));
        Assert.Equal([9, 8, 7], bytes.Data);
        Assert.Equal(2, bytes.Count);

        var range = Assert.IsType<LongRangeBatch>(RoundTrip(new LongRangeBatch(-5, 4, 3) { Keys = new KeyBlob([1, 2, 3, 4], [1, 2, 3, 4]) }));
        Assert.Equal([-5L, -2, 1, 4], Enumerable.Range(0, 4).Select(i => range[i]));
        Assert.Equal([1L, 2, 3, 4], range.Keys!.Ends);
    }

    [Fact]
    public void EventsKeepTheirFields()
    {
        var barrier = new CheckpointBarrier(12, 1_700_000_000_123, SnapshotKind.StopSavepoint, Drain: true);
        Assert.Equal(barrier, Frame(new InputEvent(0, InputEventKind.Barrier, Barrier: barrier)).Barrier);
        Assert.Equal(long.MinValue + 1, Frame(new InputEvent(0, InputEventKind.Watermark, Watermark: long.MinValue + 1)).Watermark);
        Assert.True(Frame(new InputEvent(0, InputEventKind.WatermarkStatus, Idle: true)).Idle);
        Assert.Equal(InputEventKind.EndOfPartition, Frame(new InputEvent(0, InputEventKind.EndOfPartition)).Kind);
    }

    /// <summary>Two long columns and an 8-byte key: 16 bytes of values, 8 of key, no per-key length (all keys are as long).</summary>
    [Fact]
    public void ASmallKeyedRecordTakesItsValuesAndKeyBytes()
    {
        const int count = 1000;
        var keys = new byte[count * 8];
        var rows = new RowBatch([new Column<long>(new long[count]), new Column<long>(new long[count])], count)
        {
            Keys = new KeyBlob(keys, Enumerable.Range(1, count).Select(i => i * 8L).ToArray()),
        };
        var output = new WireWriter();
        FrameFormat.Write(new InputEvent(0, InputEventKind.Batch, rows), output, null);

        // tag, kind, count (2 bytes), parts, key width, column count, 2 x (type, null flag), row-kinds flag
        Assert.Equal((count * 24) + 12, output.Length);
    }

    [Fact]
    public void PythonRecordsArePickledOncePerBatchAndUnpickledOnlyWhenTheTaskAsks()
    {
        var bridge = new ListPickler();
        var batch = new PythonBatch(new List<string> { "a", "bc" }, 2) { Timestamps = [5, 6] };

        var output = new WireWriter();
        FrameFormat.Write(new InputEvent(0, InputEventKind.Batch, batch), output, bridge);
        var received = Assert.IsType<PickledPythonBatch>(FrameFormat.Read(output.Written.Span, 0, bridge).Batch);
        Assert.Equal((1, 0), (bridge.Pickles, bridge.Unpickles));
        var back = received.Unpickle();

        Assert.Equal(["a", "bc"], (List<string>)back.Handle);
        Assert.Equal([5L, 6], back.Timestamps!);
        Assert.Equal((1, 1), (bridge.Pickles, bridge.Unpickles));
    }

    [Fact]
    public void PythonRecordsWithoutABridgeAreAClearError()
    {
        var error = Assert.Throws<WireFormatException>(() => FrameFormat.Write(new InputEvent(0, InputEventKind.Batch, new PythonBatch(new object(), 1)), new WireWriter(), null));
        Assert.Contains("no Python bridge", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFrameCutShortIsRefusedNotReadAsFewerRecords()
    {
        var output = new WireWriter();
        FrameFormat.Write(new InputEvent(0, InputEventKind.Batch, new TextBatch(["alpha", "beta"])), output, null);
        var whole = output.Written.ToArray();

        for (var length = 1; length < whole.Length; length++)
            Assert.Throws<WireFormatException>(() => FrameFormat.Read(whole.AsSpan(0, length), 0, null));
        Assert.Throws<WireFormatException>(() => FrameFormat.Read([.. whole, 0], 0, null));
    }

    [Fact]
    public void AColumnTypeWithoutAWireFormIsNamed()
    {
        var rows = new RowBatch([new Column<DateTime>([DateTime.UnixEpoch])], 1);
        var error = Assert.Throws<WireFormatException>(() => FrameFormat.Write(new InputEvent(0, InputEventKind.Batch, rows), new WireWriter(), null));
        Assert.Contains("DateTime", error.Message, StringComparison.Ordinal);
    }

    private static Batch RoundTrip(Batch batch) => Frame(new InputEvent(0, InputEventKind.Batch, batch)).Batch!;

    private static InputEvent Frame(InputEvent e)
    {
        var output = new WireWriter();
        FrameFormat.Write(e, output, null);
        var back = FrameFormat.Read(output.Written.Span, 3, null);
        Assert.Equal(3, back.Channel);
        Assert.Equal(e.Kind, back.Kind);
        output.Return();
        return back;
    }

    /// <summary>A stand-in for the Python bridge: its "records" are a list of strings, "pickled" as lines.</summary>
    private sealed class ListPickler : IPythonBatchWire
    {
        public int Pickles { get; private set; }

        public int Unpickles { get; private set; }

        public void Pickle(PythonBatch batch, IBufferWriter<byte> output, bool release = false)
        {
            Pickles++;
            var bytes = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', (List<string>)batch.Handle));
            output.Write(bytes);
            if (release)
                batch.Dispose();
        }

        public PythonBatch Unpickle(ReadOnlySpan<byte> pickled, int count)
        {
            Unpickles++;
            return new PythonBatch(System.Text.Encoding.UTF8.GetString(pickled).Split('\n').ToList(), count);
        }

        public void Release(PythonBatch batch) => batch.Dispose();
    }
}
