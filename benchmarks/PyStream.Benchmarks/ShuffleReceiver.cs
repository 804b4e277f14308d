using System.Diagnostics;
using System.Globalization;
using PyStream.Engine.Runtime;
using PyStream.Network.Channels;
using PyStream.Network.Hosting;

namespace PyStream.Benchmarks;

/// <summary>
/// The consuming worker of the keyed shuffle, as a child process: <c>shuffle-receive PRODUCER PARTITION
/// CONSUMERS KEYS [--sums]</c> runs one consumer subtask per subpartition of the producer's partition,
/// each with its own input gate fed by a network channel, prints <c>ready</c> once its requests are
/// out, then per consumer <c>consumer C RECORDS SUM</c> (and with <c>--sums</c>, <c>sum C KEY SUM</c>
/// for every key it got). The cluster token comes from PYSTREAM_TOKEN.
/// </summary>
internal static class ShuffleReceiver
{
    public static int Run(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("usage: shuffle-receive PRODUCER-URI PARTITION CONSUMERS KEYS [--sums]");
            return 2;
        }

        var producer = new Uri(args[0]);
        var partition = args[1];
        var consumers = int.Parse(args[2], CultureInfo.InvariantCulture);
        var keys = int.Parse(args[3], CultureInfo.InvariantCulture);
        var settings = new NetworkSettings();
        using var connections = new NetworkConnections();
        var gates = Enumerable.Range(0, consumers).Select(_ => new InputGate([0], capacity: 8)).ToArray();
        var channels = gates.Select((gate, c) => new RemoteInputChannel(connections.To(producer), partition, c, gate, 0, settings,
            new FloatingBufferPool(settings.FloatingBuffersPerGate), Environment.GetEnvironmentVariable("PYSTREAM_TOKEN")).RunAsync(CancellationToken.None)).ToArray();
        Console.WriteLine("ready");
        var consuming = gates.Select(gate => Task.Factory.StartNew(() => ShuffleRecords.Consume(gate, keys), TaskCreationOptions.LongRunning)).ToArray();
        try
        {
            Task.WaitAll(channels);
        }
        catch (AggregateException e)
        {
            Console.Error.WriteLine(string.Join('\n', e.InnerExceptions.Select(inner => inner.Message)));
            return 1;
        }

        for (var c = 0; c < consumers; c++)
        {
            var (records, sums) = consuming[c].GetAwaiter().GetResult();
            Console.WriteLine($"consumer {c} {records} {sums.Sum()}");
            if (!args.Contains("--sums"))
                continue;
            for (var key = 0; key < keys; key++)
            {
                if (sums[key] != 0)
                    Console.WriteLine($"sum {c} {key} {sums[key]}");
            }
        }

        return 0;
    }

    /// <summary>Starts the receiver as a child process of this benchmark's own executable.</summary>
    public static Process Start(Uri producer, string partition, int consumers, int keys, bool sums)
    {
        var dll = typeof(ShuffleReceiver).Assembly.Location;
        var appHost = Path.ChangeExtension(dll, null);
        var start = File.Exists(appHost)
            ? new ProcessStartInfo(appHost)
            : new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { ArgumentList = { dll } };
        foreach (var arg in new[] { "shuffle-receive", producer.ToString(), partition, consumers.ToString(CultureInfo.InvariantCulture), keys.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        if (sums)
            start.ArgumentList.Add("--sums");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return Process.Start(start) ?? throw new InvalidOperationException("the shuffle receiver did not start");
    }
}
