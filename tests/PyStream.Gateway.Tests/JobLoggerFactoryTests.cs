using Microsoft.Extensions.Logging;
using PyStream.Engine.Tests.Harness;
using PyStream.Gateway.Jobs;
using PyStream.Gateway.Protocol;

namespace PyStream.Gateway.Tests;

public sealed class JobLoggerFactoryTests
{
    [Fact]
    public async Task A_jobs_diagnostics_go_into_its_event_log_and_on_to_the_gateways_logging()
    {
        var events = new JobEventLog();
        using var gateway = new RecordingLogger();
        using var factory = new JobLoggerFactory(events, gateway);
        var logger = factory.CreateLogger("PyStream.Engine.Runtime.JobExecution");

        logger.JobDidNotStop("wordcount", "abc", 30);
        logger.Log(LogLevel.Debug, "below what clients are shown");
        events.Append(new JobEvent { Status = new JobInfo { Status = "FINISHED" } }, final: true);

        var errorOutput = new List<string>();
        await foreach (var item in events.Follow(CancellationToken.None))
        {
            if (item.KindCase == JobEvent.KindOneofCase.ErrorOutput)
                errorOutput.Add(item.ErrorOutput);
        }

        Assert.Equal(["pystream: job 'wordcount' (abc) did not stop within 30 s of being cancelled\n"], errorOutput);
        Assert.Equal(
            [(LogLevel.Warning, "job 'wordcount' (abc) did not stop within 30 s of being cancelled"), (LogLevel.Debug, "below what clients are shown")],
            gateway.Entries);
    }
}
