using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Partitioning;
using PyStream.Network.Channels;
using PyStream.Network.Hosting;

namespace PyStream.Network.Tests.Channels;

/// <summary>The channel protocol between Kestrel servers on 127.0.0.1 and consumers in the same process.</summary>
public sealed class NetworkChannelTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RecordsWatermarksAndBarriersArriveInOrderOnEachChannel()
    {
        var settings = new NetworkSettings();
        await using var first = await ProducerWorker.StartAsync(settings);
        await using var second = await ProducerWorker.StartAsync(settings);
        using var connections = new NetworkConnections();
        var gate = new InputGate([0, 0], capacity: 4);
        var floating = new FloatingBufferPool(settings.FloatingBuffersPerGate);
        var channels = new[] { first, second }.Select((worker, i) =>
            new RemoteInputChannel(connections.To(worker.Server.Address), $"job/map/{i}", 0, gate, i, settings, floating).RunAsync(CancellationToken.None)).ToList();

        var producers = new[] { first, second }.Select((worker, i) => Task.Run(() =>
        {
            var target = worker.Registry.Register($"job/map/{i}", 1)[0];
            var writer = new EdgeWriter(new BatchRouter(PyStream.Engine.Spec.Partitioning.Forward, 1, 128, python: null, firstTarget: 0), [(target, 0)],
                CancellationToken.None, bufferTimeout: TimeSpan.Zero);
            writer.Accept(new TextBatch([$"{i}a", $"{i}b"]));
            writer.AcceptWatermark(10);
            writer.Accept(new TextBatch([$"{i}c"]));
            writer.AcceptBarrier(new CheckpointBarrier(1, 100, SnapshotKind.Checkpoint));
            writer.AcceptWatermarkStatus(idle: true);
            writer.Accept(new TextBatch([$"{i}d"]));
            writer.AcceptWatermark(20);
            writer.EndOfInput();
        })).ToList();

        var seen = new List<string>[] { [], [] };
        for (var ended = 0; ended < 2;)
        {
            InputEvent e;
            try
            {
                e = await gate.Reader.ReadAsync().AsTask().WaitAsync(Deadline);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"seen {string.Join(";", seen[0])} | {string.Join(";", seen[1])}; producers {string.Join(",", producers.Select(p => p.Status))} channels {string.Join(",", channels.Select(p => p.Status + " " + p.Exception?.InnerException?.Message))}");
            }

            seen[e.Channel].Add(e.Kind switch
            {
                InputEventKind.Batch => string.Join(",", ((TextBatch)e.Batch!).Lines),
                InputEventKind.Watermark => $"wm {e.Watermark}",
                InputEventKind.Barrier => $"barrier {e.Barrier!.Id}",
                InputEventKind.WatermarkStatus => $"idle {e.Idle}",
                _ => "end",
            });
            ended += e.Kind == InputEventKind.EndOfPartition ? 1 : 0;
        }

        await Task.WhenAll(producers.Concat(channels)).WaitAsync(Deadline);
        for (var i = 0; i < 2; i++)
            Assert.Equal([$"{i}a,{i}b", "wm 10", $"{i}c", "barrier 1", "idle True", $"{i}d", "wm 20", "end"], seen[i]);
    }

    /// <summary>
    /// 2 exclusive credits, no floating ones, a gate that holds 1 batch, a producer queue of 1, and a
    /// consumer task that takes nothing: batch 1 fills the gate and frees its credit, batch 2 waits
    /// for the gate, batch 3 is on the wire on the returned credit, batch 4 waits in the producer's
    /// queue for a credit, and the 5th write blocks the producer.
    /// </summary>
    [Fact]
    public async Task CreditsBoundWhatIsInFlightAndASlowConsumerBlocksTheProducer()
    {
        var settings = new NetworkSettings(BuffersPerChannel: 2, FloatingBuffersPerGate: 0, MaxBuffersPerChannel: 1);
        await using var worker = await ProducerWorker.StartAsync(settings);
        using var connections = new NetworkConnections();
        var gate = new InputGate([0], capacity: 1);
        var target = worker.Registry.Register("job/source/0", 1)[0];
        var channel = new RemoteInputChannel(connections.To(worker.Server.Address), "job/source/0", 0, gate, 0, settings, new FloatingBufferPool(0));
        var receiving = channel.RunAsync(CancellationToken.None);
        const int batches = 50;
        var written = 0;
        var producing = Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < batches; i++)
            {
                target.Write(new InputEvent(0, InputEventKind.Batch, new LongRangeBatch(i * 10L, 10)), CancellationToken.None);
                Volatile.Write(ref written, i + 1);
            }

            target.Write(new InputEvent(0, InputEventKind.EndOfPartition), CancellationToken.None);
        }, TaskCreationOptions.LongRunning);

        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref written) == 4 && target.FramesSent == 3 && channel.Received == 2, Deadline),
            $"written {written}, sent {target.FramesSent}, received {channel.Received}");
        Assert.False(producing.IsCompleted);
        Assert.Equal(4, Volatile.Read(ref written));
        Assert.Equal(3, target.FramesSent);

        var starts = new List<long>();
        while (true)
        {
            var e = await gate.Reader.ReadAsync().AsTask().WaitAsync(Deadline);
            if (e.Kind == InputEventKind.EndOfPartition)
                break;
            starts.Add(((LongRangeBatch)e.Batch!).Start);
        }

        await Task.WhenAll(producing, receiving).WaitAsync(Deadline);
        Assert.Equal(Enumerable.Range(0, batches).Select(i => i * 10L), starts);
    }

    /// <summary>A producer held back by a remote consumer's credits shows it as a producer held back by a full local gate does.</summary>
    [Fact]
    public async Task ASlowRemoteConsumerShowsAsBackpressureOfTheProducer()
    {
        var settings = new NetworkSettings(BuffersPerChannel: 1, FloatingBuffersPerGate: 0, MaxBuffersPerChannel: 1);
        await using var worker = await ProducerWorker.StartAsync(settings);
        using var connections = new NetworkConnections();
        var gate = new InputGate([0], capacity: 1);
        var target = worker.Registry.Register("job/slow/0", 1)[0];
        var receiving = new RemoteInputChannel(connections.To(worker.Server.Address), "job/slow/0", 0, gate, 0, settings, new FloatingBufferPool(0))
            .RunAsync(CancellationToken.None);
        var task = Guid.NewGuid().ToString();
        var heldBack = 0.0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "pystream.task.backpressured.time")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "test.task" && (string?)tag.Value == task)
                    heldBack += value;
            }
        });
        listener.Start();
        var writer = new EdgeWriter(new BatchRouter(PyStream.Engine.Spec.Partitioning.Forward, 1, 128, python: null, firstTarget: 0), [(target, 0)],
            CancellationToken.None, new System.Diagnostics.TagList { { "test.task", task } }, bufferTimeout: TimeSpan.Zero);
        var written = 0;
        var producing = Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                writer.Accept(new LongRangeBatch(i, 1));
                Volatile.Write(ref written, i + 1);
            }

            writer.EndOfInput();
        }, TaskCreationOptions.LongRunning);

        // 1 batch in the gate, 1 waiting for room in it (on the credit the first one freed), 1 queued: the 4th write waits.
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref written) == 3 && target.FramesSent == 2, Deadline), $"written {written}, sent {target.FramesSent}");
        var received = 0;
        while ((await gate.Reader.ReadAsync().AsTask().WaitAsync(Deadline)).Kind != InputEventKind.EndOfPartition)
            received++;
        await Task.WhenAll(producing, receiving).WaitAsync(Deadline);

        Assert.Equal(10, received);
        Assert.True(heldBack > 0, "the producer's wait was not measured as backpressure");
    }

    /// <summary>
    /// 6 batches wait at the producer, 1 exclusive credit, 3 floating buffers, a gate that holds 1
    /// batch and takes nothing: batch 1 fills the gate and announces a backlog of 5, so the channel
    /// grants its exclusive credit again and borrows all 3 floating buffers: batches 2 to 5 are sent
    /// (without floating buffers only batch 2 would be), the 6th waits. Drained, the channel gives
    /// the floating buffers back.
    /// </summary>
    [Fact]
    public async Task FloatingBuffersGoToAChannelWithABacklogAndComeBack()
    {
        var settings = new NetworkSettings(BuffersPerChannel: 1, FloatingBuffersPerGate: 3, MaxBuffersPerChannel: 10);
        await using var worker = await ProducerWorker.StartAsync(settings);
        using var connections = new NetworkConnections();
        var target = worker.Registry.Register("job/backlog/0", 1)[0];
        for (var i = 0; i < 6; i++)
            target.Write(new InputEvent(0, InputEventKind.Batch, new LongRangeBatch(i, 1)), CancellationToken.None);
        target.Write(new InputEvent(0, InputEventKind.EndOfPartition), CancellationToken.None);
        var gate = new InputGate([0], capacity: 1);
        var floating = new FloatingBufferPool(settings.FloatingBuffersPerGate);
        var receiving = new RemoteInputChannel(connections.To(worker.Server.Address), "job/backlog/0", 0, gate, 0, settings, floating).RunAsync(CancellationToken.None);

        Assert.True(SpinWait.SpinUntil(() => target.FramesSent == 5 && floating.Available == 0, Deadline), $"sent {target.FramesSent}, floating left {floating.Available}");

        var starts = new List<long>();
        for (var e = await gate.Reader.ReadAsync(); e.Kind != InputEventKind.EndOfPartition; e = await gate.Reader.ReadAsync().AsTask().WaitAsync(Deadline))
            starts.Add(((LongRangeBatch)e.Batch!).Start);
        await receiving.WaitAsync(Deadline);
        Assert.Equal([0L, 1, 2, 3, 4, 5], starts);
        Assert.Equal(3, floating.Available);
    }

    [Fact]
    public async Task AConnectionCutInsideAFrameFailsBothSidesAndDeliversOnlyWholeBatchesOnce()
    {
        var settings = new NetworkSettings();
        await using var worker = await ProducerWorker.StartAsync(settings);
        // Each batch is a frame of about 4 KB: the cut falls inside a frame, after the first few.
        await using var proxy = new CuttingProxy(worker.Server.Address, cutAfter: 4096 * 3 + 1500);
        using var connections = new NetworkConnections();
        var gate = new InputGate([0], capacity: 1000);
        var target = worker.Registry.Register("job/cut/0", 1)[0];
        var channel = new RemoteInputChannel(connections.To(proxy.Address), "job/cut/0", 0, gate, 0, settings, new FloatingBufferPool(8));
        var producing = Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < 500; i++)
                target.Write(new InputEvent(0, InputEventKind.Batch, new TextBatch([i.ToString("D4") + new string('x', 4000)])), CancellationToken.None);
        }, TaskCreationOptions.LongRunning);

        var consumerError = await Assert.ThrowsAsync<NetworkChannelException>(() => channel.RunAsync(CancellationToken.None).WaitAsync(Deadline));
        var producerError = await Assert.ThrowsAsync<NetworkChannelException>(() => producing.WaitAsync(Deadline));

        Assert.Contains("broke after", consumerError.Message, StringComparison.Ordinal);
        Assert.Contains("broke", producerError.Message, StringComparison.Ordinal);
        var delivered = new List<string>();
        while (gate.Reader.TryRead(out var e))
            delivered.Add(((TextBatch)e.Batch!).Lines.Single());
        Assert.InRange(delivered.Count, 1, 3);
        Assert.Equal(channel.Received, delivered.Count);
        Assert.Equal(Enumerable.Range(0, delivered.Count).Select(i => i.ToString("D4") + new string('x', 4000)), delivered);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task AConsumerWithoutTheClusterTokenIsRefused(string? given)
    {
        var settings = new NetworkSettings();
        await using var worker = await ProducerWorker.StartAsync(settings, token: "s3cret");
        using var connections = new NetworkConnections();
        worker.Registry.Register("job/secret/0", 1);
        var channel = new RemoteInputChannel(connections.To(worker.Server.Address), "job/secret/0", 0, new InputGate([0], 4), 0, settings,
            new FloatingBufferPool(0), token: given);

        var error = await Assert.ThrowsAsync<NetworkChannelException>(() => channel.RunAsync(CancellationToken.None).WaitAsync(Deadline));

        Assert.Contains("cluster token", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, channel.Received);
    }

    [Fact]
    public async Task AConsumerWithTheClusterTokenIsServed()
    {
        var settings = new NetworkSettings();
        await using var worker = await ProducerWorker.StartAsync(settings, token: "s3cret");
        using var connections = new NetworkConnections();
        var target = worker.Registry.Register("job/secret/0", 1)[0];
        var gate = new InputGate([0], 4);
        var channel = new RemoteInputChannel(connections.To(worker.Server.Address), "job/secret/0", 0, gate, 0, settings, new FloatingBufferPool(0), token: "s3cret");
        var receiving = channel.RunAsync(CancellationToken.None);

        target.Write(new InputEvent(0, InputEventKind.Watermark, Watermark: 42), CancellationToken.None);
        target.Write(new InputEvent(0, InputEventKind.EndOfPartition), CancellationToken.None);
        await receiving.WaitAsync(Deadline);

        Assert.True(gate.Reader.TryRead(out var watermark));
        Assert.Equal(42, watermark.Watermark);
    }

    [Fact]
    public async Task ARequestForAPartitionNobodyRegistersFailsClearly()
    {
        var settings = new NetworkSettings(PartitionRequestTimeout: TimeSpan.FromMilliseconds(200));
        await using var worker = await ProducerWorker.StartAsync(settings);
        using var connections = new NetworkConnections();
        var channel = new RemoteInputChannel(connections.To(worker.Server.Address), "job/missing/0", 0, new InputGate([0], 4), 0, settings, new FloatingBufferPool(0));

        var error = await Assert.ThrowsAsync<NetworkChannelException>(() => channel.RunAsync(CancellationToken.None).WaitAsync(Deadline));

        Assert.Contains("no producer registered result partition 'job/missing/0'", error.Message, StringComparison.Ordinal);
    }
}
