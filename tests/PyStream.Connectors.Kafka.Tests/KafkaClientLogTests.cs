using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Tests.Harness;

namespace PyStream.Connectors.Kafka.Tests;

/// <summary>librdkafka's words, as it logs them for a client whose broker does not answer, through the connector's log.</summary>
public sealed class KafkaClientLogTests : IDisposable
{
    private const string Refused = "[thrd:127.0.0.1:1/bootstrap]: 127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)";
    private const string RefusedAgain = "[thrd:127.0.0.1:1/bootstrap]: 127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 1ms in state CONNECT, 4 identical error(s) suppressed)";
    private const string AllDown = "[thrd:app]: 1/1 brokers are down";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);
    private readonly RecordingLogger _log = new();

    public void Dispose() => _log.Dispose();

    private KafkaClientLog Client(KafkaLogRepeats repeats, string name = "Kafka source 'clicks'") =>
        new(_log, repeats, name, "127.0.0.1:1", () => "retrying for 60 s");

    [Fact]
    public void A_broker_that_refuses_is_one_line_per_interval_for_every_client_of_the_job()
    {
        var repeats = new KafkaLogRepeats(_time, TimeSpan.FromMinutes(1));
        var subtask0 = Client(repeats);
        var subtask1 = Client(repeats);
        for (var i = 0; i < 100; i++)
        {
            subtask0.Report(i % 2 == 0 ? Refused : RefusedAgain);
            subtask1.Report(AllDown);
        }

        Assert.Equal(["Kafka source 'clicks': no Kafka broker answers at 127.0.0.1:1 (Connection refused); retrying for 60 s"], _log.Messages);
        Assert.Equal("Connection refused", subtask0.UnreachableReason);

        _time.Advance(TimeSpan.FromMinutes(1));
        subtask1.Report(Refused);
        Assert.Equal(2, _log.Messages.Count);
    }

    [Fact]
    public void Other_errors_are_logged_without_librdkafkas_thread_and_timing_and_repeats_are_counted()
    {
        var repeats = new KafkaLogRepeats(_time, TimeSpan.FromMinutes(1));
        var sink = Client(repeats, "Kafka sink 'out'");
        const string Error = "[thrd:127.0.0.1:9092/1]: 127.0.0.1:9092/1: SASL authentication failed (after 12ms in state AUTH_REQ)";
        sink.Report(Error);
        sink.Report(Error.Replace("12ms", "30ms", StringComparison.Ordinal));
        sink.Report(Error);
        _time.Advance(TimeSpan.FromMinutes(2));
        sink.Report(Error);

        Assert.Equal(
        [
            "Kafka sink 'out': 127.0.0.1:9092/1: SASL authentication failed",
            "Kafka sink 'out': 127.0.0.1:9092/1: SASL authentication failed (2 more times since it was last reported)",
        ], _log.Messages);
        Assert.Null(sink.UnreachableReason);
    }
}
