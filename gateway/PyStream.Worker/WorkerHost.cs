using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using PyStream.Connectors.Kafka;
using PyStream.Engine.Runtime;
using PyStream.Network.Channels;
using PyStream.Network.Hosting;
using PyStream.Python;
using PyStream.State.RocksDb;

namespace PyStream.Worker;

/// <summary>
/// The worker's host: Kestrel on the data port (plaintext HTTP/2, where other workers' network
/// channels will connect) and the connection to the coordinator.
/// </summary>
public static class WorkerHost
{
    /// <summary>Runs until SIGTERM or SIGINT (0), or until the coordinator refuses the worker (2).</summary>
    public static async Task<int> RunAsync(WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace); // stdout stays the jobs'
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter(typeof(WorkerHost).Namespace, LogLevel.Information);
        ListenOptions? data = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);
            kestrel.Listen(address, options.DataPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                data = listen;
            });
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => new WorkerIdentity(options, () => AdvertisedAddress(options, data)));
        builder.Services.AddSingleton<CoordinatorConnection>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CoordinatorConnection>());
        var partitions = new ResultPartitionRegistry(new NetworkSettings());
        builder.Services.AddNetworkChannels(partitions, options.Token);
        builder.Services.AddSingleton(_ => new NetworkConnections());
        builder.Services.AddSingleton(services => new JobEnvironment
        {
            Python = new PythonRuntime(),
            StateBackends = RocksDbStateBackend.WithDefaults(),
            Connectors = [new KafkaConnector()],
            OperatorProviders = [new PyStream.Sql.Service.SqlOperators(), new PyStream.Engine.Cep.PythonCepOperators()],
            LoggerFactory = services.GetRequiredService<ILoggerFactory>(),
            Network = new WorkerChannels(partitions, services.GetRequiredService<NetworkConnections>(), options.Token),
        });
        var files = new ShareFiles(Path.Combine(Path.GetTempPath(), $"pystream-worker-{Environment.ProcessId}-{Guid.NewGuid():N}"));
        builder.Services.AddSingleton(files);
        builder.Services.AddSingleton(services => new UploadProcesses(options, files.Root, TimeProvider.System, services.GetRequiredService<ILogger<UploadProcesses>>()));
        builder.Services.AddSingleton<PyStream.Engine.Telemetry.TaskMeasurements>(); // listening before any share runs
        builder.Services.AddSingleton<ShareExecutor>();

        var app = builder.Build();
        app.MapNetworkChannels();
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException error)
        {
            Console.Error.WriteLine($"pystream worker: cannot listen on {options.Host}:{options.DataPort}: {error.Message}");
            return 3;
        }
        catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // SIGTERM while starting (a gateway stopping the spare it just started): nothing ran yet, so a plain stop.
            await app.DisposeAsync().ConfigureAwait(false);
            files.RemoveAll();
            return 0;
        }

        Console.Error.WriteLine($"pystream worker: {options.Slots} slot{(options.Slots == 1 ? "" : "s")}, data plane on {app.Services.GetRequiredService<WorkerIdentity>().DataAddress}, coordinator {options.Coordinator}" +
                                (options.Token is null ? "" : " (token sent)"));
        if (options.OwnerPid is { } owner)
            _ = StopWithOwnerAsync(owner, app.Lifetime);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        var code = app.Services.GetRequiredService<CoordinatorConnection>().ExitCode ?? 0;
        await app.DisposeAsync().ConfigureAwait(false);
        files.RemoveAll();
        return code;
    }

    /// <summary>A gateway's local worker: stops once the gateway's process is gone (killed with no chance to stop it).</summary>
    private static async Task StopWithOwnerAsync(int owner, IHostApplicationLifetime lifetime)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(lifetime.ApplicationStopping).ConfigureAwait(false))
            {
                if (IsAlive(owner))
                    continue;
                Console.Error.WriteLine($"pystream worker: the gateway that started this worker ({owner}) has exited: stopping");
                lifetime.StopApplication();
                return;
            }
        }
        catch (OperationCanceledException)
        {
            // stopping for another reason
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
    }

    /// <summary>HOST:PORT where other workers reach this one: the bound port, and the advertised host (by default the host name when it listens on every address).</summary>
    private static string AdvertisedAddress(WorkerOptions options, ListenOptions? data)
    {
        var port = data?.IPEndPoint?.Port ?? throw new InvalidOperationException("the data plane has not started");
        var host = options.AdvertisedHost ?? (options.Host is "0.0.0.0" or "::" ? Dns.GetHostName() : options.Host);
        return $"{host}:{port}";
    }
}
