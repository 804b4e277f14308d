using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PyStream.Cluster.Protocol;
using PyStream.Engine;
using PyStream.Gateway.Cluster;

namespace PyStream.Gateway.Tests.Cluster;

/// <summary>
/// The cluster service as a worker meets it: an in-process coordinator on loopback ports, called
/// over plaintext HTTP/2 as gRPC frames (the test project has the server's messages, not a client).
/// </summary>
public sealed class ClusterServiceTokenTests : IAsyncLifetime
{
    private const string Token = "cluster-s3cret";

    private WebApplication? _gateway;
    private HttpClient? _http;

    public async Task InitializeAsync()
    {
        var options = GatewayOptions.Parse(["--port", "0", "--rpc-port", "0", "--cluster"], Token);
        _gateway = GatewayHost.Build(options);
        await _gateway.StartAsync();
        var (_, rpc) = _gateway.Services.GetRequiredService<GatewayHost.BoundPorts>().Read();
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{rpc}") };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_gateway is not null)
            await _gateway.DisposeAsync();
    }

    private static RegisterWorkerRequest Request(string version = PyStreamVersion.Current) => new()
    {
        PystreamVersion = version,
        Slots = 2,
        HostName = "test-host",
        DataAddress = "127.0.0.1:7001",
        InstanceId = "instance-1",
        Hardware = new Hardware { CpuCores = 2 },
    };

    /// <summary>A unary call: the grpc-status and grpc-message trailers, and the answer's bytes.</summary>
    private async Task<(string Status, string Message, byte[] Answer)> Register(RegisterWorkerRequest request, string? token)
    {
        var payload = request.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        using var message = new HttpRequestMessage(HttpMethod.Post, "/pystream.v1.ClusterService/RegisterWorker")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        message.Headers.TryAddWithoutValidation("TE", "trailers");
        if (token is not null)
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http!.SendAsync(message);
        var body = await response.Content.ReadAsByteArrayAsync();
        string Trailer(string name) =>
            response.TrailingHeaders.TryGetValues(name, out var values) || response.Headers.TryGetValues(name, out values) ? Uri.UnescapeDataString(values.Single()) : "";
        return (Trailer("grpc-status"), Trailer("grpc-message"), body.Length > 5 ? body[5..] : []);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task A_worker_without_the_clusters_token_is_refused_and_not_listed(string? token)
    {
        var (status, message, _) = await Register(Request(), token);
        Assert.Equal("16", status); // UNAUTHENTICATED
        Assert.Contains("needs its token", message, StringComparison.Ordinal);
        Assert.Empty(_gateway!.Services.GetRequiredService<WorkerRegistry>().All);
    }

    [Fact]
    public async Task A_worker_with_the_token_is_admitted_and_told_the_heartbeat_settings()
    {
        var (status, _, answer) = await Register(Request(), Token);
        Assert.Equal("0", status);
        var registered = RegisterWorkerResponse.Parser.ParseFrom(answer);
        Assert.Equal((10_000L, 50_000L, PyStreamVersion.Current), (registered.HeartbeatIntervalMs, registered.HeartbeatTimeoutMs, registered.CoordinatorVersion));
        var worker = Assert.Single(_gateway!.Services.GetRequiredService<WorkerRegistry>().All);
        Assert.Equal((registered.WorkerId, 2), (worker.Id, worker.Offer.Slots));
    }

    [Fact]
    public async Task A_worker_of_another_version_hears_both_versions()
    {
        var (status, message, _) = await Register(Request(version: "0.0.1"), Token);
        Assert.Equal("9", status); // FAILED_PRECONDITION
        Assert.Equal($"the worker runs PyStream 0.0.1 and this coordinator PyStream {PyStreamVersion.Current}: run the same release on both", message);
    }
}
