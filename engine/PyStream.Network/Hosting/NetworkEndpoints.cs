using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PyStream.Network.Channels;

namespace PyStream.Network.Hosting;

/// <summary>
/// The partition request service in a host that has its own Kestrel (a worker serves it on its data port):
/// what <see cref="NetworkServer"/> runs on a server of its own.
/// </summary>
public static class NetworkEndpoints
{
    /// <summary>gRPC with the channels' message limits, the registry and the token every request must carry (none: none checked).</summary>
    public static IServiceCollection AddNetworkChannels(this IServiceCollection services, ResultPartitionRegistry registry, string? token)
    {
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = NetworkSettings.MaxFrameBytes;
            grpc.MaxSendMessageSize = NetworkSettings.MaxFrameBytes;
        });
        services.AddSingleton(registry);
        services.AddSingleton(new ChannelAccess(token));
        return services;
    }

    public static IEndpointRouteBuilder MapNetworkChannels(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<PartitionRequestService>();
        return endpoints;
    }
}
