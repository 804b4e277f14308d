using System.Globalization;
using PyStream.Connectors.Kafka;
using PyStream.Engine;

namespace PyStream.Cli;

/// <summary>
/// <c>pystream kafka-mock [--brokers N] [TOPIC[:PARTITIONS]]...</c>: runs librdkafka's mock
/// Kafka cluster on 127.0.0.1 for examples and tests. Prints <c>bootstrap.servers=HOST:PORT</c>,
/// then serves until it is interrupted or terminated.
/// </summary>
internal static class KafkaMockCommand
{
    private const string Usage = "usage: pystream kafka-mock [--brokers N] [TOPIC[:PARTITIONS]]...";

    public static int Run(string[] args)
    {
        var brokers = 1;
        var topics = new List<(string Name, int Partitions)>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--brokers" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out brokers) && brokers > 0)
            {
                i++;
                continue;
            }

            var parts = args[i].Split(':');
            if (args[i].StartsWith('-') || parts[0].Length == 0 || parts.Length > 2
                || (parts.Length == 2 && (!int.TryParse(parts[1], CultureInfo.InvariantCulture, out var n) || n < 1)))
            {
                Console.Error.WriteLine($"pystream: bad argument '{args[i]}'\n{Usage}");
                return 2;
            }

            topics.Add((parts[0], parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 1));
        }

        try
        {
            using var loggers = StderrLoggerProvider.CreateFactory();
            using var cluster = MockKafkaCluster.Start(brokers, loggers.CreateLogger("PyStream.Cli.KafkaMock"));
            foreach (var (name, partitions) in topics)
                cluster.CreateTopic(name, partitions);
            Console.Out.WriteLine($"bootstrap.servers={cluster.BootstrapServers}");
            Console.Out.Flush();
            using var stop = new ManualResetEventSlim();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Set();
            };
            using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Set();
            });
            stop.Wait();
            return 0;
        }
        catch (PyStreamException error)
        {
            Console.Error.WriteLine($"pystream: {error.Message}");
            return 1;
        }
    }
}
