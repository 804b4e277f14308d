using System.Security.Cryptography;
using System.Text;

namespace PyStream.Gateway.Api;

/// <summary>
/// With a token configured, every gRPC and REST call (uploads and <c>/metrics</c> too) must carry
/// <c>Authorization: Bearer TOKEN</c>; only the Web UI's static files load without it, and ask for it.
/// </summary>
public static class TokenCheck
{
    public static void Use(WebApplication app, string? token)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (token is null)
            return;
        var expected = Encoding.UTF8.GetBytes(token.Trim());
        app.Use(async (context, next) =>
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(GivenToken(context.Request.Headers.Authorization.ToString())), expected))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            const string reason = "this gateway needs its token: send 'Authorization: Bearer <PYSTREAM_TOKEN>'";
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/grpc";
                context.Response.AppendTrailer("grpc-status", "16"); // UNAUTHENTICATED
                context.Response.AppendTrailer("grpc-message", reason);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new { errors = new[] { reason } }).ConfigureAwait(false);
        });
    }

    /// <summary>The credentials of a <c>Bearer</c> header (the scheme in any case, as RFC 9110 has it); empty for any other.</summary>
    internal static string GivenToken(string authorization)
    {
        const string scheme = "Bearer ";
        return authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? authorization[scheme.Length..].Trim() : "";
    }
}
