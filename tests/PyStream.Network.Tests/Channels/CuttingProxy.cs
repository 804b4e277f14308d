using System.Net;
using System.Net.Sockets;

namespace PyStream.Network.Tests.Channels;

/// <summary>
/// A TCP proxy on 127.0.0.1 that forwards one connection and cuts it (both sockets closed) once it
/// has passed <paramref name="cutAfter"/> bytes from the server: a connection that breaks in the middle of a frame.
/// </summary>
internal sealed class CuttingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly long _cutAfter;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public CuttingProxy(Uri target, long cutAfter)
    {
        _target = target;
        _cutAfter = cutAfter;
        _listener.Start();
        _running = RunAsync();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Bytes passed from the server before the cut.</summary>
    public long Forwarded { get; private set; }

    private async Task RunAsync()
    {
        using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
        using var server = new TcpClient();
        await server.ConnectAsync(_target.Host, _target.Port, _stop.Token);
        var upstream = client.GetStream().CopyToAsync(server.GetStream(), _stop.Token);
        var buffer = new byte[1024];
        var fromServer = server.GetStream();
        while (Forwarded < _cutAfter)
        {
            var read = await fromServer.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, _cutAfter - Forwarded)), _stop.Token);
            if (read == 0)
                break;
            await client.GetStream().WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            Forwarded += read;
        }

        client.Client.LingerState = new LingerOption(true, 0);
        server.Client.LingerState = new LingerOption(true, 0);
        client.Close();
        server.Close();
        await upstream.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _running.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
