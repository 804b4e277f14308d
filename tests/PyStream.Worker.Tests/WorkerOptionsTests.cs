namespace PyStream.Worker.Tests;

public sealed class WorkerOptionsTests
{
    [Fact]
    public void The_coordinator_slots_and_data_port_are_read()
    {
        var options = WorkerOptions.Parse(["--coordinator", "127.0.0.1:6123", "--slots", "3", "--data-port", "6121"], token: null);
        Assert.Equal(("127.0.0.1:6123", 3, 6121, "127.0.0.1"), (options.Coordinator, options.Slots, options.DataPort, options.Host));
        Assert.Equal(1, WorkerOptions.Parse(["--coordinator", "gateway:6123"], token: null).Slots); // Flink's taskmanager.numberOfTaskSlots
        Assert.Null(WorkerOptions.Parse(["--coordinator", "gateway:6123"], token: null).AdvertisedHost);
        Assert.Equal("10.1.2.3", WorkerOptions.Parse(["--coordinator", "gateway:6123", "--advertised-host", "10.1.2.3"], token: null).AdvertisedHost);
    }

    [Theory]
    [InlineData("--coordinator HOST:PORT is required", "--slots", "2")]
    [InlineData("--coordinator needs HOST:PORT, not '127.0.0.1'", "--coordinator", "127.0.0.1")]
    [InlineData("--coordinator needs HOST:PORT, not 'a:1/x'", "--coordinator", "a:1/x")]
    [InlineData("--slots needs a number of slots (1 or more)", "--coordinator", "a:1", "--slots", "0")]
    [InlineData("--data-port needs a port number (0-65535)", "--coordinator", "a:1", "--data-port", "70000")]
    [InlineData("unknown option '--slot'", "--coordinator", "a:1", "--slot", "2")]
    [InlineData("--slots needs a value", "--coordinator", "a:1", "--slots")]
    [InlineData("--advertised-host needs a host name or an IP address, not 'a b'", "--coordinator", "a:1", "--advertised-host", "a b")]
    [InlineData("--instance-id needs letters and digits", "--coordinator", "a:1", "--instance-id", "a-b")]
    [InlineData("--owner-pid needs a process id", "--coordinator", "a:1", "--owner-pid", "0")]
    public void Bad_options_are_refused_with_what_is_wrong(string message, params string[] args)
    {
        var error = Assert.Throws<ArgumentException>(() => WorkerOptions.Parse(args, token: null));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gateways_local_worker_gets_its_instance_id_and_owner()
    {
        var options = WorkerOptions.Parse(["--coordinator", "127.0.0.1:6123", "--instance-id", "abc123", "--owner-pid", "42"], token: null);
        Assert.Equal(("abc123", 42), (options.InstanceId, options.OwnerPid));
        var plain = WorkerOptions.Parse(["--coordinator", "127.0.0.1:6123"], token: null);
        Assert.Equal((null, null), (plain.InstanceId, plain.OwnerPid));
    }

    [Fact]
    public void Listening_beyond_loopback_needs_the_cluster_token()
    {
        var error = Assert.Throws<ArgumentException>(() => WorkerOptions.Parse(["--coordinator", "a:1", "--host", "0.0.0.0"], token: null));
        Assert.Contains("set PYSTREAM_TOKEN", error.Message, StringComparison.Ordinal);
        Assert.Equal("s3cret", WorkerOptions.Parse(["--coordinator", "a:1", "--host", "0.0.0.0"], token: " s3cret ").Token);
    }
}
