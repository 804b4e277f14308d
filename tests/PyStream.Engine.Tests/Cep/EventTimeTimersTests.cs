using System.Text;
using PyStream.Engine.Cep;

namespace PyStream.Engine.Tests.Cep;

public sealed class EventTimeTimersTests
{
    [Fact]
    public void TimersComeOutByDueTimeThenInRegistrationOrder()
    {
        // Due times partly in order (the queue), partly behind the last one queued (the heap), with ties across both.
        long[] dues = [10, 20, 20, 5, 30, 20, 15, 30, 40, 5];
        var timers = new EventTimeTimers();
        for (var i = 0; i < dues.Length; i++)
            timers.Add(Encoding.UTF8.GetBytes($"t{i}"), dues[i]);

        // The model: registrations stably sorted by due time.
        var expected = dues.Select((due, i) => (Name: $"t{i}", Due: due)).OrderBy(t => t.Due).ToList();
        var taken = new List<(string, long)>();
        foreach (var watermark in new long[] { 4, 15, 29, 100 })
        {
            while (timers.TryTakeDue(watermark, out var key, out var due))
            {
                Assert.True(due <= watermark);
                taken.Add((Encoding.UTF8.GetString(key), due));
            }
        }

        Assert.Equal(expected, taken);
        Assert.Equal(0, timers.Count);
        Assert.False(timers.TryTakeDue(long.MaxValue, out _, out _));
    }

    [Fact]
    public void ATimerAddedBehindTakenOnesComesOutAtTheNextCall()
    {
        var timers = new EventTimeTimers();
        timers.Add("a"u8.ToArray(), 10);
        Assert.True(timers.TryTakeDue(10, out _, out _));
        timers.Add("b"u8.ToArray(), 30);
        timers.Add("c"u8.ToArray(), 12);
        Assert.False(timers.TryTakeDue(11, out _, out _));
        Assert.True(timers.TryTakeDue(12, out var key, out var due));
        Assert.Equal(("c", 12L), (Encoding.UTF8.GetString(key), due));
        Assert.False(timers.TryTakeDue(29, out _, out _));
        Assert.True(timers.TryTakeDue(30, out key, out _));
        Assert.Equal("b", Encoding.UTF8.GetString(key));
    }
}
