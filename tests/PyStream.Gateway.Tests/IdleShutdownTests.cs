using Microsoft.Extensions.Time.Testing;

namespace PyStream.Gateway.Tests;

public sealed class IdleShutdownTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);
    private bool _jobRunning;
    private bool _ownerAlive = true;

    private IdleShutdown Watch(params string[] args) =>
        new(GatewayOptions.Parse(args, token: null), () => _jobRunning, _time, _ => _ownerAlive);

    [Fact]
    public void Without_a_timeout_or_an_owner_the_gateway_never_stops_by_itself()
    {
        var idle = Watch();
        Assert.False(idle.Enabled);
        _time.Advance(TimeSpan.FromDays(30));
        Assert.Null(idle.ReasonToStop());
        Assert.False(Watch("--idle-timeout", "0").Enabled);
    }

    [Fact]
    public void It_stops_after_the_idle_timeout_and_a_request_starts_the_period_again()
    {
        var idle = Watch("--idle-timeout", "10 s");
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Null(idle.ReasonToStop());
        idle.Touch();
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Null(idle.ReasonToStop());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("no job and no request for 10 s (--idle-timeout)", idle.ReasonToStop());
    }

    [Fact]
    public void A_running_job_keeps_it_alive_and_the_period_starts_when_the_last_job_ended()
    {
        var idle = Watch("--idle-timeout", "10 s");
        _jobRunning = true;
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(idle.ReasonToStop());
        _jobRunning = false;
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Null(idle.ReasonToStop());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(idle.ReasonToStop());
    }

    [Fact]
    public void It_stops_once_its_owner_exited_and_no_job_runs()
    {
        var idle = Watch("--owner-pid", "4242");
        Assert.True(idle.Enabled);
        Assert.Null(idle.ReasonToStop());
        _ownerAlive = false;
        _jobRunning = true;
        Assert.Null(idle.ReasonToStop());
        _jobRunning = false;
        Assert.Equal("the process that started it (4242) has exited and no job is running", idle.ReasonToStop());
    }

    [Fact]
    public async Task The_watch_asks_on_the_clock_and_returns_the_reason()
    {
        var idle = Watch("--idle-timeout", "2 s");
        Assert.Equal(TimeSpan.FromMilliseconds(500), idle.CheckInterval);
        var waiting = idle.WaitForReasonAsync(CancellationToken.None);
        for (var step = 0; step < 3; step++)
            _time.Advance(idle.CheckInterval);
        Assert.False(waiting.IsCompleted);
        _time.Advance(idle.CheckInterval);
        Assert.Equal("no job and no request for 2 s (--idle-timeout)", await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
