using System.Diagnostics;
using System.Globalization;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Partitioning;
using PyStream.Network.Channels;
using PyStream.Network.Hosting;

namespace PyStream.Benchmarks;

/// <summary>
/// Issue 16's network exchange: a keyed (hash) shuffle of small records from one producer subtask
/// to two consumer subtasks, first in one process (the runtime's local channels), then with the
/// consumers in a second process on loopback (network channels), in the same run. Both runs'
/// per-consumer sums are checked against a plain loop. Goal: the network rate at least 0.5x the
/// in-process one.
/// </summary>
internal static class ShuffleBenchmark
{
    private const int Consumers = 2;
    private const int MaxParallelism = 128;

    public static int Run(string[] args)
    {
        var records = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        var keys = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        Console.WriteLine($"workload: keyed shuffle of {records:N0} (long key, long value) records, {keys:N0} keys, 1 producer -> {Consumers} consumer subtasks");
        var expected = ExpectedTotals(records, keys);

        InProcess(Math.Min(records, 1_000_000), keys); // warm-up: tiered JIT
        var watch = Stopwatch.StartNew();
        var local = InProcess(records, keys);
        var localRate = records / watch.Elapsed.TotalSeconds;
        Check("in one process", local, expected);

        var (remote, remoteSeconds, bytes) = AcrossProcesses(records, keys);
        var remoteRate = records / remoteSeconds;
        Check("across processes", remote, expected);

        Console.WriteLine($"in one process   : {localRate / 1e6,7:F2} M records/s");
        Console.WriteLine($"across processes : {remoteRate / 1e6,7:F2} M records/s, {(double)bytes / records:F2} serialized bytes per record (frames included)");
        Console.WriteLine($"ratio            : {remoteRate / localRate:F2}x the in-process rate (goal >= 0.5x)");
        return 0;
    }

    /// <summary>Records and value sum per consumer, from a plain loop and the key-group rule.</summary>
    private static (long Records, long Sum)[] ExpectedTotals(long records, int keys)
    {
        var totals = new (long Records, long Sum)[Consumers];
        var owner = new int[keys];
        var key = new byte[8];
        for (var k = 0; k < keys; k++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(key, k);
            owner[k] = PyStream.Engine.Keys.KeyGroups.SubtaskOf(key, MaxParallelism, Consumers);
        }

        for (long i = 0; i < records; i++)
        {
            ref var total = ref totals[owner[i % keys]];
            total.Records++;
            total.Sum += i;
        }

        return totals;
    }

    private static void Check(string run, (long Records, long Sum)[] got, (long Records, long Sum)[] expected)
    {
        if (!got.SequenceEqual(expected))
            throw new InvalidOperationException($"{run}: consumers got {string.Join(", ", got)}, expected {string.Join(", ", expected)}");
    }

    private static EdgeWriter Writer((IChannelTarget, int)[] targets) =>
        new(new BatchRouter(PyStream.Engine.Spec.Partitioning.Hash, Consumers, MaxParallelism, python: null, firstTarget: 0), targets, CancellationToken.None,
            bufferTimeout: null);

    private static (long Records, long Sum)[] InProcess(long records, int keys)
    {
        var gates = Enumerable.Range(0, Consumers).Select(_ => new InputGate([0], capacity: 8)).ToArray();
        var consuming = gates.Select(gate => Task.Factory.StartNew(() => ShuffleRecords.Consume(gate, keys), TaskCreationOptions.LongRunning)).ToArray();
        ShuffleRecords.Produce(Writer(gates.Select(g => ((IChannelTarget)g, 0)).ToArray()), records, keys);
        return consuming.Select(c => c.GetAwaiter().GetResult()).Select(r => (r.Records, r.Sums.Sum())).ToArray();
    }

    private static ((long Records, long Sum)[] Totals, double Seconds, long Bytes) AcrossProcesses(long records, int keys)
    {
        var registry = new ResultPartitionRegistry(new NetworkSettings());
        var server = NetworkServer.StartAsync(registry, token: null).GetAwaiter().GetResult();
        const string partition = "shuffle/producer/0";
        var subpartitions = registry.Register(partition, Consumers);
        using var receiver = ShuffleReceiver.Start(server.Address, partition, Consumers, keys, sums: false);
        try
        {
            if (receiver.StandardOutput.ReadLine() != "ready")
                throw new InvalidOperationException("the receiver failed: " + receiver.StandardError.ReadToEnd());
            var watch = Stopwatch.StartNew();
            ShuffleRecords.Produce(Writer(subpartitions.Select(s => ((IChannelTarget)s, 0)).ToArray()), records, keys);
            var totals = new (long Records, long Sum)[Consumers];
            for (var c = 0; c < Consumers; c++)
            {
                var line = receiver.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the receiver failed: " + receiver.StandardError.ReadToEnd());
                var parts = line.Split(' ');
                totals[int.Parse(parts[1], CultureInfo.InvariantCulture)] = (long.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture));
            }

            var seconds = watch.Elapsed.TotalSeconds;
            return (totals, seconds, subpartitions.Sum(s => s.BytesSent));
        }
        finally
        {
            if (!receiver.HasExited)
                receiver.Kill();
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
