using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PyStream.Network.Channels;

namespace PyStream.Network.Hosting;

/// <summary>
/// A worker's data-plane endpoint: Kestrel serving <see cref="ResultPartitionRegistry"/>'s partitions
/// over HTTP/2 (plaintext gRPC must be HTTP/2-only). Without a cluster token it listens on loopback
/// only; with one, on every interface, and every request must carry the token.
/// </summary>
public sealed class NetworkServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NetworkServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where consumers connect: <c>http://host:port</c>.</summary>
    public Uri Address { get; }

    /// <param name="port">0: any free port.</param>
    public static async Task<NetworkServer> StartAsync(ResultPartitionRegistry registry, string? token, int port = 0, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(token is null ? IPAddress.Loopback : IPAddress.Any, port, listen => listen.Protocols = HttpProtocols.Http2);
            // A channel's memory is bounded by its credits, not by HTTP/2 windows: keep those large enough not to throttle a batch.
            kestrel.Limits.Http2.InitialConnectionWindowSize = 8 << 20;
            kestrel.Limits.Http2.InitialStreamWindowSize = 4 << 20;
        });
        builder.Services.AddNetworkChannels(registry, token);
        var app = builder.Build();
        app.MapNetworkChannels();
        await app.StartAsync(cancellation).ConfigureAwait(false);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var host = token is null ? "127.0.0.1" : bound.Host.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);
        return new NetworkServer(app, new Uri($"http://{host}:{bound.Port}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
