using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PyStream.Engine;

namespace PyStream.Connectors.Kafka;

/// <summary>
/// librdkafka's own mock cluster: a Kafka-protocol broker on 127.0.0.1, reachable from other
/// processes (kcat, a job). For tests, examples and benchmarks; it does not filter
/// read_committed and does not fence producers.
/// </summary>
public sealed unsafe class MockKafkaCluster : IDisposable
{
    private readonly IAdminClient _owner;
    private readonly IntPtr _cluster;
    private readonly delegate* unmanaged<IntPtr, byte*, int, int, int> _createTopic;

    private MockKafkaCluster(IAdminClient owner, IntPtr cluster, IntPtr library)
    {
        _owner = owner;
        _cluster = cluster;
        _createTopic = (delegate* unmanaged<IntPtr, byte*, int, int, int>)NativeLibrary.GetExport(library, "rd_kafka_mock_topic_create");
        var bootstraps = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(library, "rd_kafka_mock_cluster_bootstraps");
        BootstrapServers = Marshal.PtrToStringUTF8(bootstraps(cluster)) ?? throw new PyStreamException("mock Kafka cluster: no bootstrap address");
    }

    /// <summary>host:port of the brokers.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts the brokers; librdkafka's errors about them go to <paramref name="log"/> (none when not given).</summary>
    public static MockKafkaCluster Start(int brokers = 1, ILogger? log = null)
    {
        var config = new AdminClientConfig();
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // librdkafka announces the mock cluster at notice level; only errors are worth printing.
        var owner = new AdminClientBuilder(config)
            .SetLogHandler(KafkaProperties.ErrorsTo(log ?? NullLogger.Instance, "mock Kafka cluster"))
            .Build();
        try
        {
            var library = NativeLibrary.Load(LoadedLibrdkafka());
            var handle = HandleOf(owner);
            var mockCluster = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(library, "rd_kafka_handle_mock_cluster");
            var cluster = mockCluster(handle);
            if (cluster == IntPtr.Zero)
                throw new PyStreamException("mock Kafka cluster: librdkafka did not start one");
            return new MockKafkaCluster(owner, cluster, library);
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }

    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(name + "\0");
        int error;
        fixed (byte* topic = utf8)
            error = _createTopic(_cluster, topic, partitions, replicationFactor);
        if (error != 0)
            throw new PyStreamException($"mock Kafka cluster: cannot create topic '{name}' (librdkafka error {error})");
    }

    public void Dispose() => _owner.Dispose();

    /// <summary>The rd_kafka_t behind a client: Confluent.Kafka keeps it in a non-public SafeHandle.</summary>
    private static IntPtr HandleOf(IClient client)
    {
        var property = client.Handle.GetType().GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new PyStreamException("mock Kafka cluster: this Confluent.Kafka has no LibrdkafkaHandle");
        return ((SafeHandle)property.GetValue(client.Handle)!).DangerousGetHandle();
    }

    /// <summary>The librdkafka file Confluent.Kafka loaded (its name differs by platform), from this process's memory map.</summary>
    private static string LoadedLibrdkafka() =>
        File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && Path.GetFileName(fields[5]).Contains("librdkafka", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .FirstOrDefault()
        ?? throw new PyStreamException("mock Kafka cluster: librdkafka is not loaded");
}
