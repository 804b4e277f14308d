using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PyStream.Connectors.Kafka;
using PyStream.Engine.Runtime;
using PyStream.Engine.Telemetry;
using PyStream.Gateway.Api;
using PyStream.Gateway.Cluster;
using PyStream.Gateway.HighAvailability;
using PyStream.Gateway.Jobs;
using PyStream.Gateway.Monitoring;
using PyStream.Gateway.Uploads;
using PyStream.Python;
using PyStream.State.RocksDb;

namespace PyStream.Gateway;

/// <summary>The gateway's web host: Kestrel on two ports, gRPC, REST, the Web UI, telemetry.</summary>
public static class GatewayHost
{
    public const string Version = PyStream.Engine.PyStreamVersion.Current;

    private static readonly string[] OtlpVariables =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];

    /// <summary>Runs until SIGTERM or SIGINT, then cancels the jobs still running; returns the exit code.</summary>
    public static async Task<int> RunAsync(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.DataDirectory);
        k8s.IKubernetes? kubernetes = null;
        if (options.HighAvailability is { Type: HighAvailabilityType.Kubernetes })
        {
            try
            {
                kubernetes = KubernetesLeaseElection.ConnectFromEnvironment();
            }
            catch (Exception error) when (error is k8s.Exceptions.KubeConfigException or YamlDotNet.Core.YamlException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"pystream gateway: --ha kubernetes finds no Kubernetes API: {error.Message} " +
                                        "(a pod uses its service account; elsewhere set KUBECONFIG or write ~/.kube/config)");
                return 2;
            }
        }

        var app = Build(options, kubernetes);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException error)
        {
            Console.Error.WriteLine($"pystream gateway: cannot listen on {options.Host}: {error.Message}");
            return 3;
        }

        var (rest, rpc) = app.Services.GetRequiredService<BoundPorts>().Read();
        Console.Error.WriteLine($"pystream gateway: Web UI and REST on http://{options.Host}:{rest}, gRPC on {options.Host}:{rpc}" +
                                (options.Token is null ? "" : " (token required)") +
                                (options.Cluster is null ? "" : " (cluster coordinator: workers register there)") +
                                (options.LocalWorkers is { } local ? $" (jobs run on local workers: up to {local.WorkersPerJob} per job, {local.Spares} spare)" : "") +
                                (options.HighAvailability is { } ha ? $" (high availability: {ha.Type.ToString().ToLowerInvariant()}, storage {ha.StorageDirectory})" : ""));
        app.Services.GetService<LocalWorkerPool>()?.Start(ClientAddress(options.Host, rpc));
        if (options.AddressFile is { } file)
            WriteAddressFile(file, options.Host, rest, rpc);
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        if (app.Services.GetRequiredService<IdleShutdown>() is { Enabled: true } idle)
            _ = StopWhenIdleAsync(idle, lifetime);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false); // stops the local workers too

        return 0;
    }

    private static async Task StopWhenIdleAsync(IdleShutdown idle, IHostApplicationLifetime lifetime)
    {
        try
        {
            var reason = await idle.WaitForReasonAsync(lifetime.ApplicationStopping).ConfigureAwait(false);
            Console.Error.WriteLine($"pystream gateway: stopping: {reason}");
            lifetime.StopApplication();
        }
        catch (OperationCanceledException)
        {
            // stopped for another reason (SIGTERM, SIGINT)
        }
    }

    /// <param name="kubernetes">The API the Lease is on, with <c>--ha kubernetes</c>; the environment's when null.</param>
    public static WebApplication Build(GatewayOptions options, k8s.IKubernetes? kubernetes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace); // with its other messages, on stderr
        builder.Logging.AddFilter(typeof(WorkerRegistry).Namespace, LogLevel.Information); // workers coming and going, local ones started
        builder.Logging.AddFilter(typeof(JobRegistry).FullName, LogLevel.Information); // jobs resumed from the high-availability storage
        builder.Logging.AddFilter(typeof(ILeaderElection).Namespace, LogLevel.Information); // leadership gained and lost
        var ports = new BoundPorts();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);
            kestrel.Limits.MaxRequestBodySize = GatewayOptions.UploadLimitBytes + (1 << 20);
            kestrel.Listen(address, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                ports.Http = listen;
            });
            kestrel.Listen(address, options.RpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                ports.Rpc = listen;
            });
        });
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(form => form.MultipartBodyLengthLimit = GatewayOptions.UploadLimitBytes);
        builder.Services.AddSingleton(ports);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(JobFiles.For(options));
        if (options.LocalWorkers is { } localWorkers)
        {
            builder.Services.AddSingleton(services => new LocalWorkerPool(localWorkers, LocalWorkerPool.FindExecutable(), options.Token,
                services.GetRequiredService<ILogger<LocalWorkerPool>>()));
            builder.Services.AddSingleton<IWorkerAssignment>(services => services.GetRequiredService<LocalWorkerPool>());
        }

        builder.Services.AddSingleton<ClusterScheduler>();
        builder.Services.AddSingleton<CoordinatorStopping>();
        builder.Services.AddSingleton(services => new JobEnvironment
        {
            // A coordinator runs jobs in its workers' slots (a cluster's, or its local ones): their Python runs there, none here.
            Cluster = options.Coordinates ? services.GetRequiredService<ClusterScheduler>() : null,
            Python = new PythonRuntime(),
            StateBackends = RocksDbStateBackend.WithDefaults(),
            Connectors = [new KafkaConnector()],
            OperatorProviders = [new PyStream.Sql.Service.SqlOperators(), new PyStream.Engine.Cep.PythonCepOperators()],
            LoggerFactory = services.GetRequiredService<ILoggerFactory>(),
        });
        builder.Services.AddSingleton<JobRegistry>();
        if (options.HighAvailability is not null)
        {
            // Without it the gateway leads from its start with nothing stored to resume: no election runs.
            builder.Services.AddSingleton<ILeaderElection>(services => options.HighAvailability is { Type: HighAvailabilityType.Kubernetes, Lease: { } lease }
                ? new KubernetesLeaseElection(kubernetes ?? KubernetesLeaseElection.ConnectFromEnvironment(), lease, services.GetRequiredService<TimeProvider>(),
                    services.GetRequiredService<ILogger<KubernetesLeaseElection>>())
                : new AlwaysLeader());
            builder.Services.AddHostedService<LeaderElectionService>();
        }
        builder.Services.AddSingleton(services => new WorkerRegistry(options.Cluster ?? HeartbeatSettings.Default,
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<WorkerRegistry>>()));
        builder.Services.AddSingleton<UploadsOnWorkers>();
        // A cluster's coordinator runs no user code: uploads run on its workers. A gateway of local workers (one machine) starts their processes itself.
        builder.Services.AddSingleton(services => new UploadRegistry(options, services.GetRequiredService<TimeProvider>(),
            () => ClientAddress(options.Host, ports.Read().Rpc), services.GetRequiredService<ILogger<UploadRegistry>>(),
            options.Cluster is null ? null : services.GetRequiredService<UploadsOnWorkers>()));
        builder.Services.AddSingleton<ScriptRunner>();
        builder.Services.AddSingleton(services => new IdleShutdown(options,
            () => services.GetRequiredService<JobRegistry>().All.Any(job => !job.Execution.HasEnded) || services.GetRequiredService<UploadRegistry>().AnyRunning,
            services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(services => new TaskMetrics(services.GetRequiredService<TimeProvider>()));
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = GatewayOptions.UploadLimitBytes;
            grpc.EnableDetailedErrors = false;
        });
        AddTelemetry(builder.Services);

        var app = builder.Build();
        var idle = app.Services.GetRequiredService<IdleShutdown>();
        app.Use((context, next) =>
        {
            idle.Touch(); // any call, the Web UI's included, is use
            return next(context);
        });
        ReadinessProbe.Use(app);
        app.UseDefaultFiles();
        app.UseStaticFiles();
        TokenCheck.Use(app, options.Token);
        app.MapGrpcService<JobGatewayService>();
        if (options.Coordinates)
            app.MapGrpcService<ClusterCoordinatorService>();
        RestApi.Map(app, Version);
        ClusterResources.Map(app);
        UploadResources.Map(app);
        app.MapPost("/jobs/submit", (HttpRequest request, ScriptRunner scripts) => scripts.Submit(request)).DisableAntiforgery();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.Services.GetRequiredService<TaskMetrics>(); // listening from the start, so no job's first counts are missed
        // Before Kestrel stops: jobs on workers are cancelled over the workers' streams, which end only then.
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            app.Services.GetRequiredService<UploadRegistry>().StopAll(); // before the jobs, so no script starts one meanwhile
            app.Services.GetRequiredService<JobRegistry>().CancelAll(TimeSpan.FromSeconds(30));
            app.Services.GetRequiredService<CoordinatorStopping>().Stop();
        });
        return app;
    }

    private static void AddTelemetry(IServiceCollection services)
    {
        var otlp = OtlpVariables.Any(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v)));
        var telemetry = services.AddOpenTelemetry();
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME")))
            telemetry.ConfigureResource(resource => resource.AddService("pystream-gateway", serviceVersion: Version));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(EngineTelemetry.MeterName).AddPrometheusExporter();
            if (otlp)
                metrics.AddOtlpExporter();
        });
        if (otlp)
        {
            // The request's span carries the client's trace context (traceparent); submit and job spans nest under it.
            telemetry.WithTracing(tracing => tracing.AddSource(EngineTelemetry.SourceName, JobRegistry.Activities.Name, "Microsoft.AspNetCore").AddOtlpExporter());
        }
    }

    /// <summary>Where a process on this machine reaches the gRPC port: a wildcard address is reached on loopback.</summary>
    internal static string ClientAddress(string host, int port)
    {
        if (!IPAddress.TryParse(host, out var address))
            return $"{host}:{port}";
        if (address.Equals(IPAddress.Any))
            address = IPAddress.Loopback;
        else if (address.Equals(IPAddress.IPv6Any))
            address = IPAddress.IPv6Loopback;
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
    }

    private static void WriteAddressFile(string file, string host, int rest, int rpc)
    {
        var json = JsonSerializer.Serialize(new { pid = Environment.ProcessId, rest = $"http://{host}:{rest}", rpc = $"{host}:{rpc}" });
        var temporary = file + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        File.WriteAllText(temporary, json);
        File.Move(temporary, file, overwrite: true);
    }

    /// <summary>The two Kestrel endpoints; their ports are known once the server started (port 0 picks one).</summary>
    internal sealed class BoundPorts
    {
        public ListenOptions? Http { get; set; }

        public ListenOptions? Rpc { get; set; }

        public (int Http, int Rpc) Read() => (Port(Http), Port(Rpc));

        private static int Port(ListenOptions? listen) => listen?.IPEndPoint?.Port ?? throw new InvalidOperationException("the gateway has not started");
    }
}
