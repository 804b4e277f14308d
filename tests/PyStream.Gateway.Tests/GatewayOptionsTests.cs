using PyStream.Gateway.Cluster;

namespace PyStream.Gateway.Tests;

public sealed class GatewayOptionsTests
{
    [Fact]
    public void Defaults_are_loopback_and_flinks_ports()
    {
        var options = GatewayOptions.Parse([], token: null);

        Assert.Equal("127.0.0.1", options.Host);
        Assert.Equal(8081, options.Port);
        Assert.Equal(6123, options.RpcPort);
        Assert.True(options.IsLoopback);
        Assert.True(Path.IsPathRooted(options.DataDirectory));
    }

    [Fact]
    public void Options_are_read()
    {
        var options = GatewayOptions.Parse(["--host", "::1", "--port", "0", "--rpc-port", "7000", "--data", "/tmp/gw", "--address-file", "/tmp/a.json"], token: null);

        Assert.Equal(("::1", 0, 7000, "/tmp/gw", "/tmp/a.json"), (options.Host, options.Port, options.RpcPort, options.DataDirectory, options.AddressFile));
        Assert.True(options.IsLoopback);
    }

    [Fact]
    public void The_idle_options_are_read()
    {
        var options = GatewayOptions.Parse(["--idle-timeout", "30 min", "--owner-pid", "77"], token: null);
        Assert.Equal((TimeSpan.FromMinutes(30), 77), (options.IdleTimeout, options.OwnerPid));
        Assert.Null(GatewayOptions.Parse(["--idle-timeout", "0"], token: null).IdleTimeout);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.1.20")]
    public void Binding_beyond_loopback_needs_a_token(string host)
    {
        var error = Assert.Throws<ArgumentException>(() => GatewayOptions.Parse(["--host", host], token: null));
        Assert.Contains("set PYSTREAM_TOKEN", error.Message, StringComparison.Ordinal);

        Assert.Equal("t", GatewayOptions.Parse(["--host", host], token: "t").Token);
    }

    [Theory]
    [InlineData(new[] { "--port" }, "--port needs a value")]
    [InlineData(new[] { "--port", "99999" }, "--port needs a port number")]
    [InlineData(new[] { "--rpc-port", "x" }, "--rpc-port needs a port number")]
    [InlineData(new[] { "--host", "example.org" }, "--host needs an IP address")]
    [InlineData(new[] { "--verbose" }, "unknown option '--verbose'")]
    [InlineData(new[] { "--idle-timeout", "soon" }, "--idle-timeout: 'soon' is not a duration")]
    [InlineData(new[] { "--owner-pid", "-1" }, "--owner-pid needs a process id")]
    [InlineData(new[] { "--owner-pid" }, "--owner-pid needs a value")]
    [InlineData(new[] { "--checkpoints-history", "0" }, "--checkpoints-history needs a positive number")]
    [InlineData(new[] { "--upload-timeout", "0s" }, "--upload-timeout must be longer than 0")]
    [InlineData(new[] { "-D", "scheduler-mode" }, "-D needs KEY=VALUE, not 'scheduler-mode'")]
    [InlineData(new[] { "-D=reactive" }, "-D needs KEY=VALUE, not '=reactive'")]
    [InlineData(new[] { "-D" }, "-D needs a value")]
    public void Bad_options_say_what_is_wrong(string[] args, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => GatewayOptions.Parse(args, token: null));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Job_configuration_defaults_are_read_as_flinks_dynamic_properties()
    {
        var options = GatewayOptions.Parse(["-D", "scheduler-mode=reactive", "-Dparallelism.default = 3", "-D", "scheduler-mode=default"], token: null);

        Assert.Equal(new Dictionary<string, string> { ["scheduler-mode"] = "default", ["parallelism.default"] = "3" }, options.JobDefaults);
        Assert.Empty(GatewayOptions.Parse([], token: null).JobDefaults);
    }

    [Fact]
    public void Local_workers_are_off_unless_asked_for_and_auto_is_one_per_core()
    {
        Assert.Null(GatewayOptions.Parse([], token: null).LocalWorkers);
        Assert.False(GatewayOptions.Parse([], token: null).Coordinates);
        Assert.Null(GatewayOptions.Parse(["--local-workers", "off"], token: null).LocalWorkers);
        Assert.Null(GatewayOptions.Parse(["--local-workers", "0"], token: null).LocalWorkers);
        var auto = GatewayOptions.Parse(["--local-workers", "auto"], token: null);
        Assert.Equal(new LocalWorkerSettings(Environment.ProcessorCount, Spares: 1), auto.LocalWorkers);
        Assert.True(auto.Coordinates);
        Assert.Null(auto.Cluster);
        Assert.Equal(new LocalWorkerSettings(3, Spares: 0), GatewayOptions.Parse(["--local-worker-spares", "0", "--local-workers", "3"], token: null).LocalWorkers);
    }

    [Theory]
    [InlineData(new[] { "--local-workers", "many" }, "--local-workers needs auto, a number of workers, or 0/off, not 'many'")]
    [InlineData(new[] { "--local-workers", "-2" }, "--local-workers needs auto")]
    [InlineData(new[] { "--local-workers", "2", "--cluster" }, "--local-workers and --cluster exclude each other")]
    [InlineData(new[] { "--local-worker-spares", "1" }, "--local-worker-spares is an option of --local-workers")]
    [InlineData(new[] { "--local-workers", "2", "--local-worker-spares", "x" }, "--local-worker-spares needs a number (0 or more)")]
    public void Bad_local_worker_options_say_what_is_wrong(string[] args, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => GatewayOptions.Parse(args, token: null));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_upload_may_run_ten_minutes_before_its_first_job_unless_set()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), GatewayOptions.Parse([], token: null).UploadTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), GatewayOptions.Parse(["--upload-timeout", "90 s"], token: null).UploadTimeout);
    }

    [Theory]
    [InlineData("0.0.0.0", "127.0.0.1:6123")]
    [InlineData("::", "[::1]:6123")]
    [InlineData("::1", "[::1]:6123")]
    [InlineData("localhost", "localhost:6123")]
    [InlineData("10.1.2.3", "10.1.2.3:6123")]
    public void Uploaded_scripts_reach_a_wildcard_address_on_loopback(string host, string address) =>
        Assert.Equal(address, GatewayHost.ClientAddress(host, 6123));

    [Fact]
    public void The_checkpoint_history_is_flinks_ten_unless_set()
    {
        Assert.Equal(10, GatewayOptions.Parse([], token: null).CheckpointsHistory);
        Assert.Equal(3, GatewayOptions.Parse(["--checkpoints-history", "3"], token: null).CheckpointsHistory);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\t\n")]
    public void A_token_of_only_whitespace_is_refused(string token)
    {
        var error = Assert.Throws<ArgumentException>(() => GatewayOptions.Parse([], token));
        Assert.Contains("PYSTREAM_TOKEN is only whitespace", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cluster_options_are_flinks_heartbeat_settings_with_its_defaults()
    {
        Assert.Null(GatewayOptions.Parse([], token: null).Cluster);
        Assert.Equal(new PyStream.Gateway.Cluster.HeartbeatSettings(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(50)), GatewayOptions.Parse(["--cluster"], token: null).Cluster);
        Assert.Equal(new PyStream.Gateway.Cluster.HeartbeatSettings(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2)),
            GatewayOptions.Parse(["--heartbeat-timeout", "2 s", "--cluster", "--heartbeat-interval", "200"], token: null).Cluster);
    }

    [Theory]
    [InlineData("--heartbeat-interval and --heartbeat-timeout are options of --cluster", "--heartbeat-timeout", "60 s")]
    [InlineData("--heartbeat-timeout (1000 ms) must be longer than --heartbeat-interval (10000 ms)", "--cluster", "--heartbeat-timeout", "1 s")]
    [InlineData("--heartbeat-interval must be longer than 0", "--cluster", "--heartbeat-interval", "0")]
    [InlineData("'soon' is not a duration", "--cluster", "--heartbeat-timeout", "soon")]
    [InlineData("--heartbeat-timeout needs a value", "--cluster", "--heartbeat-timeout")]
    public void Bad_cluster_options_say_what_is_wrong(string reason, params string[] args)
    {
        var error = Assert.Throws<ArgumentException>(() => GatewayOptions.Parse(args, token: null));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void High_availability_takes_a_storage_directory_and_flinks_lease_timings_by_default()
    {
        Assert.Null(GatewayOptions.Parse([], token: null).HighAvailability);
        var single = GatewayOptions.Parse(["--ha-storage", "shared"], token: null).HighAvailability!;
        Assert.Equal((Path.GetFullPath("shared"), PyStream.Gateway.HighAvailability.HighAvailabilityType.None, (PyStream.Gateway.HighAvailability.KubernetesLeaseSettings?)null),
            (single.StorageDirectory, single.Type, single.Lease));

        var lease = GatewayOptions.Parse(["--ha", "kubernetes", "--ha-storage", "/shared", "--kubernetes-cluster-id", "prod"], token: null, podNamespace: "streams")
            .HighAvailability!.Lease!;
        Assert.Equal(("streams", "prod-leader"), (lease.Namespace, lease.LeaseName));
        Assert.Equal((TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5)), (lease.LeaseDuration, lease.RenewDeadline, lease.RetryPeriod));
        Assert.Equal("default", GatewayOptions.Parse(["--ha", "kubernetes", "--ha-storage", "/shared"], token: null).HighAvailability!.Lease!.Namespace);
    }

    [Theory]
    [InlineData("--ha needs --ha-storage DIR", "--ha", "kubernetes")]
    [InlineData("--ha must be none or kubernetes, not 'zookeeper'", "--ha", "zookeeper", "--ha-storage", "/shared")]
    [InlineData("--lease-duration is an option of --ha kubernetes", "--ha-storage", "/shared", "--lease-duration", "10 s")]
    [InlineData("--renew-deadline (20 s) must not be longer than --lease-duration (15 s)", "--ha", "kubernetes", "--ha-storage", "/s", "--renew-deadline", "20 s")]
    [InlineData("--retry-period (15 s) must be shorter than --renew-deadline (15 s)", "--ha", "kubernetes", "--ha-storage", "/s", "--retry-period", "15 s")]
    [InlineData("--ha-storage needs a value", "--ha-storage")]
    [InlineData("--kubernetes-cluster-id must be lower-case letters, digits and '-' (1 to 56, not starting or ending with '-'), not 'Prod_1'",
        "--ha", "kubernetes", "--ha-storage", "/s", "--kubernetes-cluster-id", "Prod_1")]
    public void Bad_high_availability_options_say_what_is_wrong(string reason, params string[] args)
    {
        var error = Assert.Throws<ArgumentException>(() => GatewayOptions.Parse(args, token: null));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
