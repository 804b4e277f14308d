using Grpc.Net.Client;
using PyStream.Network.Channels;
using PyStream.Network.Protocol;

namespace PyStream.Network.Hosting;

/// <summary>
/// A consumer's connections to producing workers: one HTTP/2 connection per worker, which every
/// channel from that worker shares as a stream of its own (as Flink shares one TCP connection per
/// pair of task managers).
/// </summary>
public sealed class NetworkConnections : IDisposable
{
    private readonly Dictionary<Uri, GrpcChannel> _channels = [];
    private readonly Lock _sync = new();

    internal NetworkChannels.NetworkChannelsClient To(Uri worker)
    {
        lock (_sync)
        {
            if (!_channels.TryGetValue(worker, out var channel))
            {
                channel = GrpcChannel.ForAddress(worker, new GrpcChannelOptions
                {
                    MaxReceiveMessageSize = NetworkSettings.MaxFrameBytes,
                    MaxSendMessageSize = NetworkSettings.MaxFrameBytes,
                    HttpHandler = new SocketsHttpHandler
                    {
                        EnableMultipleHttp2Connections = false,
                        InitialHttp2StreamWindowSize = 4 << 20,
                        ConnectTimeout = TimeSpan.FromSeconds(10),
                    },
                });
                _channels[worker] = channel;
            }

            return new NetworkChannels.NetworkChannelsClient(channel);
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            foreach (var channel in _channels.Values)
                channel.Dispose();
            _channels.Clear();
        }
    }
}
