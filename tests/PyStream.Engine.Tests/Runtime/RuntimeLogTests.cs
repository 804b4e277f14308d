using PyStream.Engine.Runtime;
using PyStream.Engine.Tests.Harness;

namespace PyStream.Engine.Tests.Runtime;

/// <summary>The diagnostics read as they did when they were written to stderr (e2e tests and users match on them).</summary>
public sealed class RuntimeLogTests
{
    [Fact]
    public void A_restart_names_the_job_the_delay_in_whole_milliseconds_the_strategy_and_the_reason()
    {
        using var log = new RecordingLogger();

        log.FailedAndRestarts("sums", 1500.4, "fixed delay (3 attempts, 1500 ms apart)", "RuntimeError: boom", new InvalidOperationException("boom"));
        log.FailedAndRestarts("sums", 0, "no restart", "x", new InvalidOperationException("x"));

        Assert.Equal(
            ["job 'sums' failed and restarts in 1500 ms (fixed delay (3 attempts, 1500 ms apart)): RuntimeError: boom", "job 'sums' failed and restarts in 0 ms (no restart): x"],
            log.Messages);
    }
}
