using System.Buffers.Binary;
using System.Globalization;
using PyStream.Benchmarks;
using PyStream.Engine.Keys;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Partitioning;
using PyStream.Network.Channels;
using PyStream.Network.Hosting;

namespace PyStream.Network.Tests.Channels;

/// <summary>A keyed exchange from this process to consumer subtasks in a child process on 127.0.0.1.</summary>
public sealed class CrossProcessShuffleTests
{
    [Fact]
    public async Task EveryKeysSumArrivesAtTheSubtaskThatOwnsIt()
    {
        const int records = 100_003, keys = 997, consumers = 2, maxParallelism = 128;
        var registry = new ResultPartitionRegistry(new NetworkSettings(BuffersPerChannel: 2, FloatingBuffersPerGate: 2));
        await using var server = await NetworkServer.StartAsync(registry, token: null);
        var subpartitions = registry.Register("test/shuffle/0", consumers);
        using var receiver = ShuffleReceiver.Start(server.Address, "test/shuffle/0", consumers, keys, sums: true);
        try
        {
            var output = receiver.StandardOutput.ReadToEndAsync();
            var writer = new EdgeWriter(new BatchRouter(PyStream.Engine.Spec.Partitioning.Hash, consumers, maxParallelism, python: null, firstTarget: 0),
                subpartitions.Select(s => ((IChannelTarget)s, 0)).ToArray(), CancellationToken.None, bufferTimeout: TimeSpan.Zero);
            // Batches of 1,000 records (not a multiple of the keys): each consumer gets a part of every batch.
            for (var first = 0; first < records; first += 1000)
                writer.Accept(ShuffleRecords.Batch(first, Math.Min(1000, records - first), keys));
            writer.EndOfInput();

            Assert.True(receiver.WaitForExit(TimeSpan.FromSeconds(60)), "the receiver did not finish");
            Assert.True(receiver.ExitCode == 0, await receiver.StandardError.ReadToEndAsync());
            var got = (await output).Split('\n').Where(line => line.StartsWith("sum ", StringComparison.Ordinal)).Select(line => line.Split(' '))
                .ToDictionary(p => long.Parse(p[2], CultureInfo.InvariantCulture), p => (Consumer: int.Parse(p[1], CultureInfo.InvariantCulture), Sum: long.Parse(p[3], CultureInfo.InvariantCulture)));

            // Record i is (i mod keys, i); key k belongs to the subtask of its key group.
            var expected = new Dictionary<long, (int Consumer, long Sum)>();
            var keyBytes = new byte[8];
            for (long i = 0; i < records; i++)
            {
                var key = i % keys;
                BinaryPrimitives.WriteInt64LittleEndian(keyBytes, key);
                var owner = KeyGroups.SubtaskOf(keyBytes, maxParallelism, consumers);
                expected[key] = (owner, (expected.TryGetValue(key, out var seen) ? seen.Sum : 0) + i);
            }

            Assert.Equal(expected.OrderBy(e => e.Key), got.OrderBy(e => e.Key));
            Assert.Equal(2, got.Values.Select(v => v.Consumer).Distinct().Count());
        }
        finally
        {
            if (!receiver.HasExited)
                receiver.Kill(entireProcessTree: true);
        }
    }
}
