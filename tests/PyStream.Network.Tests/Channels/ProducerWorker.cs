using PyStream.Network.Channels;
using PyStream.Network.Hosting;

namespace PyStream.Network.Tests.Channels;

/// <summary>A producing worker's data plane in the test process: a registry served by Kestrel on 127.0.0.1.</summary>
internal sealed class ProducerWorker : IAsyncDisposable
{
    private ProducerWorker(ResultPartitionRegistry registry, NetworkServer server)
    {
        Registry = registry;
        Server = server;
    }

    public ResultPartitionRegistry Registry { get; }

    public NetworkServer Server { get; }

    public static async Task<ProducerWorker> StartAsync(NetworkSettings settings, string? token = null)
    {
        var registry = new ResultPartitionRegistry(settings);
        return new ProducerWorker(registry, await NetworkServer.StartAsync(registry, token));
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
