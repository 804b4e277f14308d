using System.Buffers.Binary;
using Python.Runtime;
using PyStream.Engine.Keys;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Partitioning;
using PyStream.Engine.UserCode;
using PyStream.Network.Channels;
using PyStream.Network.Hosting;

namespace PyStream.Network.Tests.Channels;

/// <summary>
/// Batches of real Python records, pickled by the embedded CPython, through <see cref="RemoteSubpartition"/>
/// to Kestrel on 127.0.0.1 and back into an <see cref="InputGate"/> through <see cref="RemoteInputChannel"/>,
/// with the runtime's threads: the producers' tasks, the buffer timeout's timer and the network's.
/// </summary>
[Collection(PythonInterpreterCollection.Name)]
public sealed class PythonBatchChannelTests(PythonInterpreter python)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A keyed batch of 6,000 <c>(n % 1000, n)</c> tuples is about 48 KB of keys and 50 KB of pickle: its
    /// frame outgrows its first 64 KB buffer while the pickle is copied in (the crash of issue 16: the
    /// pickle went to the buffer given back to the pool, the frame went out with zeros). Small batches
    /// between them wait for the buffer timeout, which sends them from the timer's thread.
    /// </summary>
    [Fact]
    public async Task KeyedPythonBatchesLargerThanAFramesFirstBufferArriveWhole()
    {
        const int Producers = 2, Rounds = 20, Large = 6_000, Small = 150;
        var settings = new NetworkSettings();
        var workers = new List<ProducerWorker>();
        for (var i = 0; i < Producers; i++)
            workers.Add(await ProducerWorker.StartAsync(settings));
        try
        {
            using var connections = new NetworkConnections();
            var gate = new InputGate(new int[Producers], capacity: 4);
            var floating = new FloatingBufferPool(settings.FloatingBuffersPerGate);
            var channels = workers.Select((worker, i) => new RemoteInputChannel(connections.To(worker.Server.Address), $"job/map/{i}", 0, gate, i,
                settings, floating, python: python.Runtime).RunAsync(CancellationToken.None)).ToList();
            var producers = workers.Select((worker, i) => Task.Factory.StartNew(() =>
            {
                var target = worker.Registry.Register($"job/map/{i}", 1, python.Runtime)[0];
                var writer = new EdgeWriter(new BatchRouter(PyStream.Engine.Spec.Partitioning.Forward, 1, 128, python.Runtime, firstTarget: 0), [(target, 0)],
                    CancellationToken.None, bufferTimeout: TimeSpan.FromMilliseconds(1), time: TimeProvider.System, python: python.Runtime);
                long next = i * 1_000_000L;
                for (var round = 0; round < Rounds; round++)
                {
                    foreach (var count in new[] { Large, Small })
                    {
                        writer.Accept(Pairs(next, count));
                        next += count;
                    }
                }

                writer.EndOfInput();
            }, TaskCreationOptions.LongRunning)).ToList();

            var (records, valueSum, keySum, keyedSum) = await DrainAsync(gate, Producers, channels.Concat(producers).ToList());

            await Task.WhenAll(producers.Concat(channels)).WaitAsync(Deadline);
            var sent = Enumerable.Range(0, Producers).SelectMany(i => LongRange(i * 1_000_000L, Rounds * (Large + Small))).ToList();
            Assert.Equal(sent.Count, records);
            Assert.Equal(sent.Sum(), valueSum);
            Assert.Equal(sent.Sum(n => n % 1000), keySum);
            Assert.Equal(keySum, keyedSum);
        }
        finally
        {
            foreach (var worker in workers)
                await worker.DisposeAsync();
        }
    }

    /// <summary>
    /// Once its pickle is queued, a batch of Python records is dropped with the GIL on the writer's thread, not
    /// left to the .NET finalizer (which freed the records late, in bulk, on whichever thread took the GIL next).
    /// </summary>
    [Fact]
    public void APythonBatchIsReleasedOnceItsPickleIsQueued()
    {
        var subpartition = new RemoteSubpartition("job/map/0", 0, new NetworkSettings(), python.Runtime);
        var batch = Pairs(0, 100);
        var records = (PyObject)batch.Handle;
        Assert.NotEqual(IntPtr.Zero, Address(records));
        Assert.Equal(0, subpartition.Write(new InputEvent(0, InputEventKind.Batch, batch), CancellationToken.None));
        Assert.Equal(IntPtr.Zero, Address(records)); // disposed
    }

    /// <summary>
    /// A keyed split of Python records pickles each part in the split's own call: the part for a task of this
    /// process arrives pickled in its gate, the part for another worker crosses the network as that same
    /// pickle, and each record arrives once, at the subtask its key belongs to, with its key beside it.
    /// </summary>
    [Fact]
    public async Task AKeyedSplitPicklesItsPartsForLocalAndRemoteConsumersAlike()
    {
        const int Batches = 6, Size = 3_000, MaxParallelism = 128;
        var settings = new NetworkSettings();
        await using var worker = await ProducerWorker.StartAsync(settings);
        using var connections = new NetworkConnections();
        var local = new InputGate([0], capacity: Batches + 2);
        var remote = new InputGate([0], capacity: 4);
        var channel = new RemoteInputChannel(connections.To(worker.Server.Address), "job/keyed/0", 0, remote, 0,
            settings, new FloatingBufferPool(settings.FloatingBuffersPerGate), python: python.Runtime).RunAsync(CancellationToken.None);
        var producer = Task.Factory.StartNew(() =>
        {
            var target = worker.Registry.Register("job/keyed/0", 1, python.Runtime)[0];
            var writer = new EdgeWriter(new BatchRouter(PyStream.Engine.Spec.Partitioning.Hash, 2, MaxParallelism, python.Runtime, firstTarget: 0),
                [(local, 0), (target, 0)], CancellationToken.None, bufferTimeout: TimeSpan.Zero, python: python.Runtime);
            for (var b = 0; b < Batches; b++)
                writer.Accept(Pairs(b * Size, Size));
            writer.EndOfInput();
        }, TaskCreationOptions.LongRunning);

        var values = new List<long>();
        var remoteEnded = false;
        while (!remoteEnded)
        {
            var next = remote.Reader.ReadAsync().AsTask();
            var first = await Task.WhenAny(new[] { channel, producer }.Where(t => !t.IsCompletedSuccessfully).Append(next)).WaitAsync(Deadline);
            if (first != next)
                await first;
            var e = await next.WaitAsync(Deadline);
            remoteEnded = e.Kind == InputEventKind.EndOfPartition;
            if (e.Kind == InputEventKind.Batch)
                values.AddRange(RecordsAt(subtask: 1, Assert.IsType<PickledPythonBatch>(e.Batch), MaxParallelism));
        }

        await producer.WaitAsync(Deadline);
        while (local.Reader.TryRead(out var e) && e.Kind != InputEventKind.EndOfPartition)
            values.AddRange(RecordsAt(subtask: 0, Assert.IsType<PickledPythonBatch>(e.Batch), MaxParallelism));
        Assert.Equal(LongRange(0, Batches * Size), values.Order());
    }

    /// <summary>A rebalance of Python records pickles each part too: record i of a batch goes to the next target in turn.</summary>
    [Fact]
    public void ARebalancePicklesItsPartsAndDealsTheRecordsInTurn()
    {
        var router = new BatchRouter(PyStream.Engine.Spec.Partitioning.Rebalance, 3, 128, python.Runtime, firstTarget: 1);
        var values = new List<long>[3];
        foreach (var (first, count) in new[] { (0, 10), (10, 5) })
        {
            var parts = router.Route(Pairs(first, count));
            for (var t = 0; t < 3; t++)
            {
                var batch = Assert.IsType<PickledPythonBatch>(parts[t]).Unpickle();
                using (Py.GIL())
                {
                    using var records = (PyObject)batch.Handle;
                    for (var i = 0; i < batch.Count; i++)
                    {
                        using var record = records[i];
                        using var value = record[1];
                        (values[t] ??= []).Add(value.As<long>());
                    }
                }
            }
        }

        // Dealt from target 1: records 0, 3, 6, 9 to it, then 1, 4, 7 to target 2 and so on; the next batch goes on in turn (from target 2).
        Assert.Equal([2L, 5, 8, 11, 14], values[0]);
        Assert.Equal([0L, 3, 6, 9, 12], values[1]);
        Assert.Equal([1L, 4, 7, 10, 13], values[2]);
    }

    /// <summary>Records that do not pickle (a lock) cross a split to tasks of this process as they were: the same objects.</summary>
    [Fact]
    public void RecordsThatDoNotPickleCrossAKeyedSplitAsObjects()
    {
        var router = new BatchRouter(PyStream.Engine.Spec.Partitioning.Hash, 2, 128, python.Runtime, firstTarget: 0);
        var batch = Pairs(0, 200);
        PyObject locks;
        using (Py.GIL())
        {
            locks = PythonEngine.Eval("__import__('threading').Lock()");
            using var records = (PyObject)batch.Handle;
            using var replace = PythonEngine.Eval("lambda records, lock: [(key, lock) for key, _ in records]");
            var withLocks = replace.Invoke(records, locks); // the batch's from here on
            batch = new PythonBatch(withLocks, batch.Count) { Keys = batch.Keys };
        }

        var parts = router.Route(batch);
        Assert.Equal(200, parts.Sum(p => p!.Count));
        using (Py.GIL())
        {
            foreach (var part in parts)
            {
                using var records = (PyObject)Assert.IsType<PythonBatch>(part).Handle;
                for (var i = 0; i < part!.Count; i++)
                {
                    using var record = records[i];
                    using var held = record[1];
                    Assert.True(held.Equals(locks)); // the very lock: not a copy
                }
            }

            locks.Dispose();
        }
    }

    /// <summary>The values of a pickled part's records, checked to belong to <paramref name="subtask"/> and to carry their own keys.</summary>
    private static List<long> RecordsAt(int subtask, PickledPythonBatch pickled, int maxParallelism)
    {
        var batch = pickled.Unpickle();
        var values = new List<long>();
        using (Py.GIL())
        {
            using var records = (PyObject)batch.Handle;
            for (var i = 0; i < batch.Count; i++)
            {
                var key = batch.Keys!.KeyAt(i);
                using var record = records[i];
                Assert.Equal(BinaryPrimitives.ReadInt64LittleEndian(key), record[0].As<long>());
                Assert.Equal(subtask, KeyGroups.SubtaskOf(key, maxParallelism, 2));
                values.Add(record[1].As<long>());
            }
        }

        return values;
    }

    // pythonnet marks the raw handle obsolete; it is the one way to see that a reference was dropped.
#pragma warning disable CS0612
    private static IntPtr Address(PyObject records) => records.Handle;
#pragma warning restore CS0612

    private static IEnumerable<long> LongRange(long start, int count)
    {
        for (var n = start; n < start + count; n++)
            yield return n;
    }

    /// <summary>Records <c>(n % 1000, n)</c> for n from <paramref name="first"/>, each keyed by <c>n % 1000</c> as 8 bytes.</summary>
    private static PythonBatch Pairs(long first, int count)
    {
        var keys = new byte[count * 8];
        var ends = new long[count];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(keys.AsSpan(i * 8), (first + i) % 1000);
            ends[i] = (i + 1) * 8;
        }

        using (Py.GIL())
            return new PythonBatch(PythonEngine.Eval($"[(n % 1000, n) for n in range({first}, {first + count})]"), count) { Keys = new KeyBlob(keys, ends) };
    }

    /// <summary>Reads the gate until every channel ended: records, the sum of their values, of their keys, and of the keys the batches carry.</summary>
    private static async Task<(long Records, long ValueSum, long KeySum, long KeyedSum)> DrainAsync(InputGate gate, int channels, IReadOnlyList<Task> running)
    {
        long records = 0, valueSum = 0, keySum = 0, keyedSum = 0;
        PyObject sums;
        using (Py.GIL())
            sums = PythonEngine.Eval("lambda records: (sum(v for _, v in records), sum(k for k, _ in records))");
        for (var ended = 0; ended < channels;)
        {
            var next = gate.Reader.ReadAsync().AsTask();
            var first = await Task.WhenAny(running.Where(t => !t.IsCompletedSuccessfully).Append(next)).WaitAsync(Deadline);
            if (first != next)
                await first; // a channel or producer failed: its error, not a timeout
            var e = await next.WaitAsync(Deadline);
            if (e.Kind == InputEventKind.EndOfPartition)
            {
                ended++;
                continue;
            }

            if (e.Kind != InputEventKind.Batch)
                continue;
            var batch = Assert.IsType<PickledPythonBatch>(e.Batch).Unpickle();
            records += batch.Count;
            for (var i = 0; i < batch.Count; i++)
                keyedSum += BinaryPrimitives.ReadInt64LittleEndian(batch.Keys!.KeyAt(i));
            using (Py.GIL())
            {
                using var list = (PyObject)batch.Handle;
                using var both = sums.Invoke(list);
                valueSum += both[0].As<long>();
                keySum += both[1].As<long>();
            }
        }

        using (Py.GIL())
            sums.Dispose();
        return (records, valueSum, keySum, keyedSum);
    }
}
