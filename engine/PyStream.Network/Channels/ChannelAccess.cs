using System.Net;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace PyStream.Network.Channels;

/// <summary>
/// Who may open a network channel: with a cluster token (<c>PYSTREAM_TOKEN</c>), whoever sends
/// <c>Authorization: Bearer TOKEN</c>, as the gateway checks; without one, this machine only.
/// </summary>
internal sealed class ChannelAccess(string? token)
{
    private readonly byte[]? _expected = token is null ? null : Encoding.UTF8.GetBytes(token.Trim());

    public void Check(ServerCallContext context)
    {
        if (_expected is null)
        {
            var peer = context.GetHttpContext().Connection.RemoteIpAddress;
            if (peer is null || !IPAddress.IsLoopback(peer))
                throw new RpcException(new Status(StatusCode.PermissionDenied, $"network channels without a cluster token accept this machine only, not {peer}"));
            return;
        }

        var header = context.RequestHeaders.GetValue("authorization") ?? "";
        const string scheme = "Bearer ";
        var given = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _expected))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "this worker's network channels need the cluster token: send 'Authorization: Bearer <PYSTREAM_TOKEN>'"));
    }

    /// <summary>The headers a consumer sends.</summary>
    public static Metadata Headers(string? token) => token is null ? [] : new Metadata { { "authorization", "Bearer " + token.Trim() } };
}
