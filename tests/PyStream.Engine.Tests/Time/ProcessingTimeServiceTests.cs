using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Time;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Tests.Time;

public sealed class ProcessingTimeServiceTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly Queue<Action> _mailbox = new();
    private readonly ProcessingTimeService _timers;
    private readonly RecordingTarget _target = new();

    public ProcessingTimeServiceTests() => _timers = new ProcessingTimeService(_clock, _mailbox.Enqueue);

    private long T0 => Start.ToUnixTimeMilliseconds();

    public void Dispose() => _timers.Dispose();

    /// <summary>Moves the clock, then runs what the wake-up posted, as the task's mailbox would.</summary>
    private void AdvanceAndRunMailbox(long millis)
    {
        _clock.Advance(TimeSpan.FromMilliseconds(millis));
        while (_mailbox.TryDequeue(out var action))
            action();
    }

    private static byte[] Key(string key) => System.Text.Encoding.UTF8.GetBytes(key);

    [Fact]
    public void NowIsTheInjectedClock()
    {
        Assert.Equal(T0, _timers.Now);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(T0 + 1_000, _timers.Now);
    }

    [Fact]
    public void NothingFiresBeforeTheClockReachesTheTimestamp()
    {
        _timers.Register(_target, 0, Key("k"), T0 + 100);

        _clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Empty(_mailbox);
        Assert.Empty(_target.Fired);

        AdvanceAndRunMailbox(1);
        Assert.Equal([(0, T0 + 100, "k")], _target.Fired);
    }

    [Fact]
    public void TheWakeUpOnlyPostsToTheMailbox()
    {
        _timers.Register(_target, 0, Key("k"), T0 + 10);

        _clock.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Single(_mailbox);
        Assert.Empty(_target.Fired);
    }

    [Fact]
    public void TimersFireInTimestampOrderOneCallPerTimestamp()
    {
        _timers.Register(_target, 0, Key("c"), T0 + 300);
        _timers.Register(_target, 0, Key("a"), T0 + 100);
        _timers.Register(_target, 0, Key("b"), T0 + 200);

        AdvanceAndRunMailbox(300);

        Assert.Equal([(0, T0 + 100, "a"), (0, T0 + 200, "b"), (0, T0 + 300, "c")], _target.Fired);
        Assert.Equal(3, _target.Calls); // a timer may delete a later one: each timestamp is its own call
    }

    [Fact]
    public void TimersOfTheSameTimestampFireInRegistrationOrder()
    {
        _timers.Register(_target, 0, Key("x"), T0 + 5);
        _timers.Register(_target, 0, Key("y"), T0 + 5);
        _timers.Register(_target, 0, Key("z"), T0 + 5);

        AdvanceAndRunMailbox(5);

        Assert.Equal(["x", "y", "z"], _target.Fired.Select(f => f.Key));
    }

    [Fact]
    public void TimersOfDifferentOperationsFireInSeparateCalls()
    {
        _timers.Register(_target, 1, Key("k"), T0 + 10);
        _timers.Register(_target, 2, Key("k"), T0 + 20);
        _timers.Register(_target, 1, Key("k"), T0 + 30);

        AdvanceAndRunMailbox(30);

        Assert.Equal([(1, T0 + 10, "k"), (2, T0 + 20, "k"), (1, T0 + 30, "k")], _target.Fired);
        Assert.Equal(3, _target.Calls);
    }

    [Fact]
    public void DuplicateRegistrationsFireOnce()
    {
        _timers.Register(_target, 0, Key("k"), T0 + 10);
        _timers.Register(_target, 0, Key("k"), T0 + 10);

        AdvanceAndRunMailbox(10);

        Assert.Equal([(0, T0 + 10, "k")], _target.Fired);
    }

    [Fact]
    public void TimersDifferingInAnyPartOfTheirIdentityAllFire()
    {
        var other = new RecordingTarget();
        _timers.Register(_target, 0, Key("k"), T0 + 10);
        _timers.Register(_target, 1, Key("k"), T0 + 10);
        _timers.Register(_target, 0, Key("j"), T0 + 10);
        _timers.Register(_target, 0, Key("k"), T0 + 11);
        _timers.Register(other, 0, Key("k"), T0 + 10);

        AdvanceAndRunMailbox(11);

        Assert.Equal(4, _target.Fired.Count);
        Assert.Equal([(0, T0 + 10, "k")], other.Fired);
    }

    [Fact]
    public void DeletedTimerDoesNotFire()
    {
        _timers.Register(_target, 0, Key("keep"), T0 + 10);
        _timers.Register(_target, 0, Key("drop"), T0 + 10);

        _timers.Delete(_target, 0, Key("drop"), T0 + 10);
        AdvanceAndRunMailbox(10);

        Assert.Equal([(0, T0 + 10, "keep")], _target.Fired);
    }

    [Fact]
    public void DeletingTheOnlyTimerLeavesAHarmlessWakeUp()
    {
        _timers.Register(_target, 0, Key("k"), T0 + 10);
        _timers.Delete(_target, 0, Key("k"), T0 + 10);

        AdvanceAndRunMailbox(1_000);

        Assert.Empty(_target.Fired);
    }

    [Fact]
    public void ReRegisteringADeletedTimerFiresItOnce()
    {
        _timers.Register(_target, 0, Key("k"), T0 + 10);
        _timers.Delete(_target, 0, Key("k"), T0 + 10);
        _timers.Register(_target, 0, Key("k"), T0 + 10);

        AdvanceAndRunMailbox(10);

        Assert.Equal([(0, T0 + 10, "k")], _target.Fired);
    }

    [Fact]
    public void WakeUpReArmsForLaterTimers()
    {
        _timers.Register(_target, 0, Key("early"), T0 + 100);
        _timers.Register(_target, 0, Key("late"), T0 + 500);

        AdvanceAndRunMailbox(100);
        Assert.Equal(["early"], _target.Fired.Select(f => f.Key));

        AdvanceAndRunMailbox(399);
        Assert.Equal(["early"], _target.Fired.Select(f => f.Key));

        AdvanceAndRunMailbox(1);
        Assert.Equal(["early", "late"], _target.Fired.Select(f => f.Key));
    }

    [Fact]
    public void EarlierTimerRegisteredLaterMovesTheWakeUpForward()
    {
        _timers.Register(_target, 0, Key("late"), T0 + 500);
        _timers.Register(_target, 0, Key("early"), T0 + 50);

        AdvanceAndRunMailbox(50);

        Assert.Equal(["early"], _target.Fired.Select(f => f.Key));
    }

    [Fact]
    public void TimerRegisteredWhileFiringFiresAtItsOwnTime()
    {
        _target.OnFire = timer => _timers.Register(_target, 0, Key("again"), timer.Timestamp + 100);
        _timers.Register(_target, 0, Key("first"), T0 + 10);

        AdvanceAndRunMailbox(10);
        _target.OnFire = null;
        Assert.Equal(["first"], _target.Fired.Select(f => f.Key));

        AdvanceAndRunMailbox(99);
        Assert.Equal(["first"], _target.Fired.Select(f => f.Key));

        AdvanceAndRunMailbox(1);
        Assert.Equal([(0, T0 + 10, "first"), (0, T0 + 110, "again")], _target.Fired);
    }

    [Fact]
    public void TimerInThePastFiresOnTheNextMailboxRun()
    {
        _clock.Advance(TimeSpan.FromSeconds(1));

        _timers.Register(_target, 0, Key("k"), T0);
        AdvanceAndRunMailbox(0);

        Assert.Equal([(0, T0, "k")], _target.Fired);
    }

    [Fact]
    public void DisposeStopsTheWakeUp()
    {
        _timers.Register(_target, 0, Key("k"), T0 + 10);

        _timers.Dispose();
        _clock.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Empty(_mailbox);
    }

    private sealed class RecordingTarget : ITimerTarget
    {
        public List<(int Operation, long Timestamp, string Key)> Fired { get; } = [];

        public int Calls { get; private set; }

        public Action<FiredTimer>? OnFire { get; set; }

        public void OnTimers(int operation, TimeDomain domain, IReadOnlyList<FiredTimer> timers)
        {
            Calls++;
            foreach (var timer in timers)
            {
                Fired.Add((operation, timer.Timestamp, System.Text.Encoding.UTF8.GetString(timer.Key)));
                OnFire?.Invoke(timer);
            }
        }
    }
}
