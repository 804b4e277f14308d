using System.Net;
using PyStream.Engine;
using PyStream.Engine.Settings;
using PyStream.Gateway.Cluster;
using PyStream.Gateway.HighAvailability;

namespace PyStream.Gateway;

/// <summary>
/// <c>pystream gateway [--host H] [--port P] [--rpc-port R] [--data DIR] [--address-file F] [--idle-timeout D] [--owner-pid PID]</c>.
/// Port 0 picks a free port; <c>--address-file</c> then tells a client which ones (JSON).
/// <c>--idle-timeout</c> and <c>--owner-pid</c> let a gateway that a client started for itself stop by itself (<see cref="IdleShutdown"/>).
/// <c>--cluster</c> makes it a coordinator that workers register with (docs/cluster.md).
/// <c>--upload-timeout</c> bounds how long an uploaded script may run before it starts a job.
/// <c>-D KEY=VALUE</c> sets a configuration default of every job (Flink's dynamic properties of a cluster).
/// </summary>
public sealed record GatewayOptions
{
    public const int DefaultPort = 8081;
    public const int DefaultRpcPort = 6123;
    public const int UploadLimitBytes = 16 * 1024 * 1024;
    public const int DefaultCheckpointsHistory = 10;
    public static readonly TimeSpan DefaultUploadTimeout = TimeSpan.FromMinutes(10);
    public const string Usage =
        "usage: pystream gateway [--host ADDRESS] [--port PORT] [--rpc-port PORT] [--data DIR] [--address-file FILE] [--idle-timeout DURATION] [--owner-pid PID] [--checkpoints-history N] [--upload-timeout DURATION]\n" +
        "       [-D KEY=VALUE ...]\n" +
        "       [--cluster [--heartbeat-interval DURATION] [--heartbeat-timeout DURATION]] [--local-workers auto|N|off [--local-worker-spares N]]\n" +
        "       [--ha-storage DIR [--ha none|kubernetes [--kubernetes-namespace NS] [--kubernetes-cluster-id ID] [--lease-duration D] [--renew-deadline D] [--retry-period D]]]";

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>REST, the Web UI and <c>/metrics</c> (HTTP/1.1).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The gRPC service (plaintext HTTP/2: grpcio cannot speak to an HTTP/1.1-and-2 port without TLS).</summary>
    public int RpcPort { get; init; } = DefaultRpcPort;

    /// <summary>Uploaded files, and the default checkpoint and savepoint directories of the jobs.</summary>
    public string DataDirectory { get; init; } = Path.Combine(".pystream", "gateway");

    public string? AddressFile { get; init; }

    /// <summary>Stop after this long with no job running and no request; null (or <c>--idle-timeout 0</c>): never.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Stop as soon as no job runs once this process has exited (a notebook kernel that started the gateway).</summary>
    public int? OwnerPid { get; init; }

    /// <summary>
    /// How many recent checkpoints each job keeps in its statistics, which REST lists: the default
    /// of Flink's <c>web.checkpoints.history</c> (10) for jobs that set none; the counts cover all.
    /// </summary>
    public int CheckpointsHistory { get; init; } = DefaultCheckpointsHistory;

    /// <summary>
    /// With <c>--cluster</c>: workers may register, and these are Flink's <c>heartbeat.interval</c>
    /// and <c>heartbeat.timeout</c> they keep; null without it.
    /// </summary>
    public HeartbeatSettings? Cluster { get; init; }

    /// <summary>
    /// With <c>--local-workers</c>: the jobs' Python runs in worker processes the gateway starts for each job
    /// attempt, never in the gateway (docs/cluster.md); null (<c>--local-workers off</c>): in the gateway's own
    /// interpreter. The executable's default is <c>auto</c> (Program.cs); <see cref="Parse"/> leaves it null.
    /// </summary>
    public LocalWorkerSettings? LocalWorkers { get; init; }

    /// <summary>The gateway runs jobs on workers, its own local ones or a cluster's: it is a coordinator.</summary>
    public bool Coordinates => Cluster is not null || LocalWorkers is not null;

    /// <summary>
    /// How long an uploaded script's process may run without starting a job before it is stopped
    /// (<c>POST /jobs/submit</c>); once it started one, it runs as long as it likes.
    /// </summary>
    public TimeSpan UploadTimeout { get; init; } = DefaultUploadTimeout;

    /// <summary>
    /// The interpreter that runs uploaded scripts, each in a process of its own: <c>PYSTREAM_PYTHON</c>
    /// (the venv's python, with the <c>pystream</c> package), else <c>python3</c> on the PATH.
    /// </summary>
    public string UploadPython { get; init; } = "python3";

    /// <summary>
    /// With <c>--ha-storage</c>: running jobs are kept there and resumed by the next leader (or by
    /// this gateway, started again); <c>--ha kubernetes</c> elects the leader with a Lease. Null without it.
    /// </summary>
    public HighAvailabilitySettings? HighAvailability { get; init; }

    /// <summary>
    /// <c>-D KEY=VALUE</c> (also <c>-DKEY=VALUE</c>): configuration every job gets unless it sets the key
    /// itself, as a Flink cluster's configuration (e.g. <c>-D scheduler-mode=reactive</c>).
    /// </summary>
    public IReadOnlyDictionary<string, string> JobDefaults { get; init; } = new Dictionary<string, string>();

    /// <summary><c>PYSTREAM_TOKEN</c>: required when <see cref="Host"/> is not a loopback address.</summary>
    public string? Token { get; init; }

    public bool IsLoopback => Host == "localhost" || (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>Reads the command line; throws <see cref="ArgumentException"/> with what is wrong.</summary>
    public static GatewayOptions Parse(IReadOnlyList<string> args, string? token, string? podNamespace = null)
    {
        if (token is { Length: > 0 } && string.IsNullOrWhiteSpace(token))
            throw new ArgumentException("PYSTREAM_TOKEN is only whitespace: set a real token (or unset it on a loopback address)");
        var options = new GatewayOptions { Token = string.IsNullOrEmpty(token) ? null : token };
        var heartbeats = HeartbeatOptions(args);
        int? localWorkers = null;
        var spares = LocalWorkerSettings.DefaultSpares;
        options = options with
        {
            HighAvailability = HighAvailabilitySettings.Parse(args, podNamespace, $"{System.Net.Dns.GetHostName()}-{Guid.NewGuid().ToString("N")[..8]}"),
        };
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int PortValue()
            {
                var name = args[i];
                return int.TryParse(Value(), out var port) && port is >= 0 and <= 65535 ? port : throw new ArgumentException($"{name} needs a port number (0-65535)");
            }

            GatewayOptions SetLocalWorkers(string text)
            {
                localWorkers = LocalWorkerSettings.ParseCount(text, Environment.ProcessorCount);
                return options;
            }

            GatewayOptions SetSpares(string text)
            {
                spares = int.TryParse(text, out var count) && count >= 0 ? count : throw new ArgumentException("--local-worker-spares needs a number (0 or more)");
                return options;
            }

            GatewayOptions SkipValue()
            {
                Value();
                return options;
            }

            options = args[i] switch
            {
                "--host" => options with { Host = Value() },
                "--port" => options with { Port = PortValue() },
                "--rpc-port" => options with { RpcPort = PortValue() },
                "--data" => options with { DataDirectory = Value() },
                "--address-file" => options with { AddressFile = Value() },
                "--idle-timeout" => options with { IdleTimeout = IdleTimeoutValue(Value()) },
                "--owner-pid" => options with { OwnerPid = int.TryParse(Value(), out var pid) && pid > 0 ? pid : throw new ArgumentException("--owner-pid needs a process id") },
                "--checkpoints-history" => options with
                {
                    CheckpointsHistory = int.TryParse(Value(), out var count) && count > 0 ? count : throw new ArgumentException("--checkpoints-history needs a positive number"),
                },
                "--upload-timeout" => options with { UploadTimeout = PositiveDuration(Value(), "--upload-timeout") },
                "--cluster" => options with { Cluster = heartbeats },
                "-D" => WithJobDefault(options, Value()),
                var property when property.StartsWith("-D", StringComparison.Ordinal) => WithJobDefault(options, property[2..]),
                "--local-workers" => SetLocalWorkers(Value()),
                "--local-worker-spares" => SetSpares(Value()),
                "--heartbeat-interval" or "--heartbeat-timeout" => SkipValue(), // read by HeartbeatOptions
                var name when HighAvailabilitySettings.Options.Contains(name) => SkipValue(), // read by HighAvailabilitySettings
                _ => throw new ArgumentException($"unknown option '{args[i]}'"),
            };
        }

        if (localWorkers is { } workersPerJob)
        {
            if (options.Cluster is not null)
                throw new ArgumentException("--local-workers and --cluster exclude each other: a cluster's jobs run on the workers that register with it");
            options = options with { LocalWorkers = new LocalWorkerSettings(workersPerJob, spares) };
        }

        else if (args.Contains("--local-worker-spares"))
        {
            throw new ArgumentException("--local-worker-spares is an option of --local-workers");
        }

        if (options.Cluster is null && heartbeats != HeartbeatSettings.Default)
            throw new ArgumentException("--heartbeat-interval and --heartbeat-timeout are options of --cluster");

        if (options.Host != "localhost" && !IPAddress.TryParse(options.Host, out _))
            throw new ArgumentException($"--host needs an IP address or localhost, not '{options.Host}'");
        if (!options.IsLoopback && options.Token is null)
            throw new ArgumentException($"binding to {options.Host} lets others run code here: set PYSTREAM_TOKEN, which every call must then carry");
        return options with { DataDirectory = Path.GetFullPath(options.DataDirectory) };
    }

    private static GatewayOptions WithJobDefault(GatewayOptions options, string property)
    {
        var equals = property.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || string.IsNullOrWhiteSpace(property[..equals]))
            throw new ArgumentException($"-D needs KEY=VALUE, not '{property}'");
        return options with { JobDefaults = new Dictionary<string, string>(options.JobDefaults) { [property[..equals].Trim()] = property[(equals + 1)..].Trim() } };
    }

    /// <summary>The heartbeat options wherever they stand (before or after <c>--cluster</c>); their values are skipped by the main loop.</summary>
    private static HeartbeatSettings HeartbeatOptions(IReadOnlyList<string> args)
    {
        var settings = HeartbeatSettings.Default;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is not ("--heartbeat-interval" or "--heartbeat-timeout"))
                continue;
            var name = args[i];
            var value = PositiveDuration(i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value"), name);
            settings = name == "--heartbeat-interval" ? settings with { Interval = value } : settings with { Timeout = value };
        }

        if (settings.Timeout <= settings.Interval)
            throw new ArgumentException($"--heartbeat-timeout ({settings.Timeout.TotalMilliseconds:F0} ms) must be longer than --heartbeat-interval ({settings.Interval.TotalMilliseconds:F0} ms)");
        return settings;
    }

    internal static TimeSpan PositiveDuration(string text, string name)
    {
        try
        {
            var duration = Durations.Parse(text, name);
            return duration > TimeSpan.Zero ? duration : throw new ArgumentException($"{name} must be longer than 0");
        }
        catch (PyStreamException error)
        {
            throw new ArgumentException(error.Message, error);
        }
    }

    private static TimeSpan? IdleTimeoutValue(string text)
    {
        try
        {
            var timeout = Durations.Parse(text, "--idle-timeout");
            return timeout > TimeSpan.Zero ? timeout : null;
        }
        catch (PyStreamException error)
        {
            throw new ArgumentException(error.Message, error);
        }
    }
}
