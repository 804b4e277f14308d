using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PyStream.Gateway.Tests.HighAvailability;

/// <summary>
/// A fake Kubernetes API server, not Kubernetes: it serves only the calls a leader election makes on
/// one <c>coordination.k8s.io/v1</c> Lease (GET, POST, PUT), on a loopback port, with the API server's
/// optimistic concurrency: every write sets a new <c>metadata.resourceVersion</c>; a PUT that carries
/// another version than the current one gets 409 Conflict, and so does a POST of a Lease that exists.
/// </summary>
internal sealed class FakeLeaseApiServer : IAsyncDisposable
{
    private const string Leases = "/apis/coordination.k8s.io/v1/namespaces/{ns}/leases";

    private readonly WebApplication _app;
    private readonly object _lock = new();
    private JsonObject? _lease;
    private long _version;
    private int _requests;

    private FakeLeaseApiServer(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>Calls answered so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Answer every call 503, as an API server that cannot be reached in time.</summary>
    public bool Unavailable { get; set; }

    /// <summary>Runs inside a PUT before its version is checked: another writer may change the Lease there.</summary>
    public Action? BeforeReplace { get; set; }

    public static async Task<FakeLeaseApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeLeaseApiServer(app);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref server._requests);
            if (server.Unavailable)
                await Status(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "the fake API server is down").ExecuteAsync(context);
            else
                await next(context);
        });
        app.MapGet(Leases + "/{name}", (string name) => server.Read(name));
        app.MapPost(Leases, async (HttpRequest request) => server.Create(await Body(request)));
        app.MapPut(Leases + "/{name}", async (string name, HttpRequest request) => server.Replace(name, await Body(request)));
        await app.StartAsync();
        server.Url = app.Urls.Single();
        return server;
    }

    /// <summary>The stored Lease's spec field, or null when there is no Lease.</summary>
    public string? Spec(string field)
    {
        lock (_lock)
            return _lease?["spec"]?[field]?.ToString();
    }

    /// <summary>Another coordinator (or an operator) writes the Lease: it now holds it, renewed just now.</summary>
    public void TakeOver(string holder)
    {
        lock (_lock)
        {
            _lease!["spec"]!["holderIdentity"] = holder;
            _lease["metadata"]!["resourceVersion"] = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private IResult Read(string name)
    {
        lock (_lock)
            return _lease is not null && Name(_lease) == name ? Results.Json(_lease) : Status(HttpStatusCode.NotFound, "NotFound", $"leases \"{name}\" not found");
    }

    private IResult Create(JsonObject lease)
    {
        lock (_lock)
        {
            if (_lease is not null)
                return Status(HttpStatusCode.Conflict, "AlreadyExists", $"leases \"{Name(lease)}\" already exists");
            _lease = Stamp(lease);
            return Results.Json(_lease, statusCode: StatusCodes.Status201Created);
        }
    }

    private IResult Replace(string name, JsonObject lease)
    {
        BeforeReplace?.Invoke();
        lock (_lock)
        {
            if (_lease is null || Name(_lease) != name)
                return Status(HttpStatusCode.NotFound, "NotFound", $"leases \"{name}\" not found");
            if (lease["metadata"]?["resourceVersion"]?.ToString() != _lease["metadata"]!["resourceVersion"]!.ToString())
                return Status(HttpStatusCode.Conflict, "Conflict", $"Operation cannot be fulfilled on leases \"{name}\": the object has been modified; please apply your changes to the latest version and try again");
            _lease = Stamp(lease);
            return Results.Json(_lease);
        }
    }

    private JsonObject Stamp(JsonObject lease)
    {
        lease["apiVersion"] = "coordination.k8s.io/v1";
        lease["kind"] = "Lease";
        lease["metadata"]!["resourceVersion"] = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return lease;
    }

    private static string? Name(JsonObject lease) => lease["metadata"]?["name"]?.ToString();

    private static async Task<JsonObject> Body(HttpRequest request) =>
        (await JsonNode.ParseAsync(request.Body))!.AsObject();

    private static IResult Status(HttpStatusCode code, string reason, string message) =>
        Results.Json(new { kind = "Status", apiVersion = "v1", status = "Failure", reason, message, code = (int)code }, statusCode: (int)code);
}
