using PyStream.Engine.Time;
using PyStream.Engine.UserCode;

namespace PyStream.Engine.Tests.Time;

public sealed class TimerQueueTests
{
    [Fact]
    public void TimersRegisteredWhileFiringFireInTheSameCallWhenDue()
    {
        var queue = new TimerQueue();
        var target = new Target(queue);
        queue.Register(target, 0, [1], 10);
        target.OnFire = t => { if (t < 30) queue.Register(target, 0, [1], t + 10); };

        queue.FireUpTo(long.MaxValue, TimeDomain.EventTime);

        Assert.Equal([10L, 20L, 30L], target.Fired);
    }

    [Fact]
    public void ATimerDeletedByAnEarlierTimerDoesNotFire()
    {
        var queue = new TimerQueue();
        var target = new Target(queue);
        queue.Register(target, 0, [1], 100);
        queue.Register(target, 0, [1], 200);
        target.OnFire = t => { if (t == 100) queue.Delete(target, 0, [1], 200); };

        queue.FireUpTo(long.MaxValue, TimeDomain.EventTime);

        Assert.Equal([100L], target.Fired);
    }

    [Fact]
    public void TimersOfOneTimestampReachTheirTargetInOneCall()
    {
        var queue = new TimerQueue();
        var target = new Target(queue);
        queue.Register(target, 0, [1], 5);
        queue.Register(target, 0, [2], 5);
        queue.Register(target, 0, [3], 6);

        queue.FireUpTo(5, TimeDomain.EventTime);

        Assert.Equal(1, target.Calls);
        Assert.Equal([5L, 5L], target.Fired);
        Assert.Equal(6, queue.Next);
    }

    private sealed class Target(TimerQueue queue) : ITimerTarget
    {
        public List<long> Fired { get; } = [];

        public int Calls { get; private set; }

        public Action<long>? OnFire { get; set; }

        public TimerQueue Queue { get; } = queue;

        public void OnTimers(int operation, TimeDomain domain, IReadOnlyList<FiredTimer> timers)
        {
            Calls++;
            foreach (var timer in timers)
            {
                Fired.Add(timer.Timestamp);
                OnFire?.Invoke(timer.Timestamp);
            }
        }
    }
}
