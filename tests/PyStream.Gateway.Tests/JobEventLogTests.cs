using PyStream.Gateway.Jobs;
using PyStream.Gateway.Protocol;

namespace PyStream.Gateway.Tests;

public sealed class JobEventLogTests
{
    private static void AppendFinal(JobEventLog log) => log.Append(new JobEvent { Status = new JobInfo { Status = "FINISHED" } }, final: true);

    [Fact]
    public async Task A_follower_gets_everything_in_order_and_ends_with_the_final_status()
    {
        var log = new JobEventLog();
        log.Append(new JobEvent { Status = new JobInfo { Status = "RUNNING" } });
        log.Writer(error: false).Write("1\n2\n");
        log.Writer(error: true).WriteLine("restarting");

        var following = Collect(log);
        log.Append(new JobEvent { Results = new CollectedBatch { CollectId = "collect-1" } });
        AppendFinal(log);
        log.Writer(error: false).Write("after the end: not kept");

        var events = await following.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["status:RUNNING", "output:1\n2\n", "error_output:restarting\n", "results:collect-1", "status:FINISHED"], events);
        Assert.Equal(events, await Collect(log).WaitAsync(TimeSpan.FromSeconds(30))); // a later follower reads the same
    }

    [Fact]
    public void Its_text_is_the_jobs_output_and_its_log_ends_with_why_it_failed()
    {
        var log = new JobEventLog();
        log.Writer(error: false).Write("1> (a,1)\n");
        log.Writer(error: true).WriteLine("pystream: restarting");
        log.Append(new JobEvent { Results = new CollectedBatch { CollectId = "collect-1" } });
        log.Writer(error: false).Write("2> (b,1)\n");
        log.Append(new JobEvent
        {
            Status = new JobInfo { Status = "FAILED" },
            Failure = new Failure { Message = "user function in 'Map' failed", UserTraceback = "ValueError: three\n" },
        }, final: true);

        Assert.Equal("1> (a,1)\n2> (b,1)\n", log.Text(error: false));
        Assert.Equal("pystream: restarting\npystream: the job failed: user function in 'Map' failed\nValueError: three\n", log.Text(error: true));
    }

    [Fact]
    public void A_tail_is_the_last_characters_after_a_line_saying_how_many_came_before()
    {
        var log = new JobEventLog();
        foreach (var line in new[] { "first\n", "second\n", "third\n" })
            log.Writer(error: false).Write(line);

        Assert.Equal("pystream: 8 earlier characters are not shown\ncond\nthird\n", log.Text(error: false, tail: 11));
        Assert.Equal("first\nsecond\nthird\n", log.Text(error: false, tail: 100));
    }

    [Fact]
    public async Task Past_its_limit_it_drops_the_oldest_events_and_a_late_follower_is_told()
    {
        var log = new JobEventLog();
        var chunk = new string('x', 1 << 20);
        var written = (int)(JobEventLog.RetainedBytes >> 20) + 3;
        for (var i = 0; i < written; i++)
            log.Writer(error: false).Write(chunk);
        AppendFinal(log);

        var events = await Collect(log).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("error_output:pystream: ", events[0], StringComparison.Ordinal);
        Assert.Contains("earlier events of this job were dropped", events[0], StringComparison.Ordinal);
        Assert.Equal("status:FINISHED", events[^1]);
        Assert.InRange(events.Count - 2, written - 4, written - 3);
    }

    [Fact]
    public async Task A_follower_that_leaves_stops_waiting()
    {
        var log = new JobEventLog();
        using var leave = new CancellationTokenSource();
        var following = Collect(log, leave.Token);
        await leave.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => following.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task<List<string>> Collect(JobEventLog log, CancellationToken cancellation = default)
    {
        var events = new List<string>();
        await foreach (var item in log.Follow(cancellation))
        {
            events.Add(item.KindCase switch
            {
                JobEvent.KindOneofCase.Output => $"output:{item.Output}",
                JobEvent.KindOneofCase.ErrorOutput => $"error_output:{item.ErrorOutput}",
                JobEvent.KindOneofCase.Results => $"results:{item.Results.CollectId}",
                JobEvent.KindOneofCase.Status => $"status:{item.Status.Status}",
                _ => "?",
            });
        }

        return events.Select(e => e.Length > 200 ? e[..200] : e).ToList();
    }
}
