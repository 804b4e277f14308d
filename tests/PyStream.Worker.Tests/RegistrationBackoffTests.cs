namespace PyStream.Worker.Tests;

public sealed class RegistrationBackoffTests
{
    [Fact]
    public void Waits_double_from_the_initial_wait_up_to_the_maximum()
    {
        var backoff = new RegistrationBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        var waits = Enumerable.Range(0, 6).Select(_ => backoff.Next().TotalMilliseconds).ToArray();
        Assert.Equal([100, 200, 400, 800, 1000, 1000], waits);
        Assert.Equal(6, backoff.Failures);
    }

    [Fact]
    public void A_registration_starts_the_waits_again_and_many_failures_never_overflow()
    {
        var backoff = new RegistrationBackoff();
        for (var i = 0; i < 1000; i++)
            Assert.True(backoff.Next() <= RegistrationBackoff.DefaultMaximum);
        backoff.Reset();
        Assert.Equal(RegistrationBackoff.DefaultInitial, backoff.Next());
    }
}
