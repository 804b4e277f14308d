using System.Diagnostics;

namespace PyStream.Gateway;

/// <summary>
/// Stops a gateway nobody uses, as a local gateway that a client started for itself should:
/// after <see cref="GatewayOptions.IdleTimeout"/> with no job running and no request, or, with
/// <see cref="GatewayOptions.OwnerPid"/>, as soon as no job runs once that process has exited.
/// A running job always keeps the gateway alive.
/// </summary>
public sealed class IdleShutdown
{
    private readonly GatewayOptions _options;
    private readonly Func<bool> _anyJobRunning;
    private readonly Func<int, bool> _processAlive;
    private readonly TimeProvider _time;
    private long _lastActivity;

    public IdleShutdown(GatewayOptions options, Func<bool> anyJobRunning, TimeProvider time, Func<int, bool>? processAlive = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _anyJobRunning = anyJobRunning;
        _time = time;
        _processAlive = processAlive ?? IsAlive;
        _lastActivity = time.GetTimestamp();
    }

    public bool Enabled => _options.IdleTimeout is not null || _options.OwnerPid is not null;

    /// <summary>How often <see cref="ReasonToStop"/> is asked: often enough that a stop comes within a quarter of the timeout.</summary>
    public TimeSpan CheckInterval =>
        _options.IdleTimeout is { } idle && idle < TimeSpan.FromSeconds(4) ? idle / 4 : TimeSpan.FromSeconds(1);

    /// <summary>A request arrived: the idle period starts again.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastActivity, _time.GetTimestamp());

    /// <summary>Why the gateway should stop now, in words for its log; null while it is in use.</summary>
    public string? ReasonToStop()
    {
        if (_anyJobRunning())
        {
            Touch();
            return null;
        }

        if (_options.OwnerPid is { } owner && !_processAlive(owner))
            return $"the process that started it ({owner}) has exited and no job is running";
        if (_options.IdleTimeout is { } idle && _time.GetElapsedTime(Interlocked.Read(ref _lastActivity)) >= idle)
            return $"no job and no request for {idle.TotalSeconds:0.###} s (--idle-timeout)";
        return null;
    }

    /// <summary>Asks <see cref="ReasonToStop"/> every <see cref="CheckInterval"/> until it has a reason, and returns it.</summary>
    public async Task<string> WaitForReasonAsync(CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(CheckInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellation).ConfigureAwait(false))
        {
            if (ReasonToStop() is { } reason)
                return reason;
        }

        throw new OperationCanceledException(cancellation);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
    }
}
