using System.Net;

namespace PyStream.Worker;

/// <summary>
/// <c>pystream worker --coordinator HOST:PORT [--slots N] [--host ADDRESS] [--data-port PORT] [--advertised-host HOST]</c>.
/// The slots are Flink's <c>taskmanager.numberOfTaskSlots</c> (default 1); the data port is
/// <c>taskmanager.data.port</c> (default 0: a free one), where other workers' network channels connect;
/// the advertised host is <c>taskmanager.host</c>, the name others reach this worker by.
/// <c>--instance-id</c> and <c>--owner-pid</c> are for a gateway's local workers (docs/cluster.md): the gateway
/// names the process it started, and the worker stops once the gateway's process is gone.
/// </summary>
public sealed record WorkerOptions
{
    public const string Usage = "usage: pystream worker --coordinator HOST:PORT [--slots N] [--host ADDRESS] [--data-port PORT] [--advertised-host HOST] [--instance-id ID] [--owner-pid PID]";

    /// <summary>The coordinator's gRPC address (the gateway's <c>--rpc-port</c>).</summary>
    public string Coordinator { get; init; } = "";

    public int Slots { get; init; } = 1;

    /// <summary>The address the data plane listens on (default 127.0.0.1; any other needs PYSTREAM_TOKEN).</summary>
    public string Host { get; init; } = "127.0.0.1";

    public int DataPort { get; init; }

    /// <summary>
    /// The host others reach the data port by (a pod's IP, a routable name); null: <see cref="Host"/>,
    /// or the machine's host name when that is every address (0.0.0.0).
    /// </summary>
    public string? AdvertisedHost { get; init; }

    /// <summary>Names this process at registration (<see cref="Guid"/> text by default); a gateway's local worker gets it from the gateway.</summary>
    public string? InstanceId { get; init; }

    /// <summary>Stop once this process has exited: the gateway that started this worker as a local worker.</summary>
    public int? OwnerPid { get; init; }

    /// <summary><c>PYSTREAM_PYTHON</c>: the interpreter with the pip client, which runs the uploaded scripts the coordinator sends here.</summary>
    public string UploadPython { get; init; } = "python3";

    /// <summary><c>PYSTREAM_TOKEN</c>: the cluster's token, sent to the coordinator, required of other workers.</summary>
    public string? Token { get; init; }

    public bool IsLoopback => Host == "localhost" || (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>Reads the command line; throws <see cref="ArgumentException"/> with what is wrong.</summary>
    public static WorkerOptions Parse(IReadOnlyList<string> args, string? token)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (token is { Length: > 0 } && string.IsNullOrWhiteSpace(token))
            throw new ArgumentException("PYSTREAM_TOKEN is only whitespace: set the cluster's token (or unset it on loopback)");
        var options = new WorkerOptions { Token = string.IsNullOrEmpty(token) ? null : token.Trim() };
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--coordinator" => options with { Coordinator = Value() },
                "--slots" => options with
                {
                    Slots = int.TryParse(Value(), out var slots) && slots > 0 ? slots : throw new ArgumentException("--slots needs a number of slots (1 or more)"),
                },
                "--host" => options with { Host = Value() },
                "--data-port" => options with
                {
                    DataPort = int.TryParse(Value(), out var port) && port is >= 0 and <= 65535 ? port : throw new ArgumentException("--data-port needs a port number (0-65535)"),
                },
                "--advertised-host" => options with
                {
                    AdvertisedHost = Value() is { Length: > 0 } host && Uri.CheckHostName(host) != UriHostNameType.Unknown
                        ? host : throw new ArgumentException($"--advertised-host needs a host name or an IP address, not '{args[i]}'"),
                },
                "--instance-id" => options with
                {
                    InstanceId = Value() is { Length: > 0 } id && id.All(char.IsAsciiLetterOrDigit) ? id : throw new ArgumentException("--instance-id needs letters and digits"),
                },
                "--owner-pid" => options with { OwnerPid = int.TryParse(Value(), out var pid) && pid > 0 ? pid : throw new ArgumentException("--owner-pid needs a process id") },
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
        }

        if (options.Coordinator.Length == 0)
            throw new ArgumentException("--coordinator HOST:PORT is required: the gRPC address of `pystream gateway --cluster`");
        if (!Uri.TryCreate($"http://{options.Coordinator}", UriKind.Absolute, out var uri) || uri.Port <= 0 || uri.PathAndQuery != "/" ||
            !options.Coordinator.Contains(':', StringComparison.Ordinal))
            throw new ArgumentException($"--coordinator needs HOST:PORT, not '{options.Coordinator}'");
        if (options.Host != "localhost" && !IPAddress.TryParse(options.Host, out _))
            throw new ArgumentException($"--host needs an IP address or localhost, not '{options.Host}'");
        if (!options.IsLoopback && options.Token is null)
            throw new ArgumentException($"binding to {options.Host} lets others send this worker data and code: set PYSTREAM_TOKEN, the cluster's token");
        return options;
    }
}
