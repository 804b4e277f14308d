using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;
using PyStream.Engine.Runtime;

namespace PyStream.Engine.Tests.Runtime;

public sealed class BarrierAlignerTests
{
    private static readonly CheckpointBarrier First = new(1, 0, SnapshotKind.Checkpoint);
    private static readonly CheckpointBarrier Second = new(2, 0, SnapshotKind.Checkpoint);

    private static InputEvent Record(int channel) => new(channel, InputEventKind.Batch, new LongRangeBatch(channel, 1), 0);

    [Fact]
    public void ExactlyOnceHoldsAChannelBackFromItsBarrierUntilEveryChannelDeliveredIt()
    {
        var aligner = new BarrierAligner(channels: 2, exactlyOnce: true);

        Assert.Null(aligner.OnBarrier(0, First));
        var after = Record(0);
        Assert.True(aligner.Holds(after));
        Assert.False(aligner.Holds(Record(1)));
        Assert.False(aligner.TryTakeReleased(out _));

        Assert.Same(First, aligner.OnBarrier(1, First));
        Assert.True(aligner.TryTakeReleased(out var released));
        Assert.Equal(after, released);
        Assert.False(aligner.Holds(Record(0)));
    }

    [Fact]
    public void AtLeastOnceHoldsNothingAndSnapshotsAtTheLastBarrier()
    {
        var aligner = new BarrierAligner(channels: 2, exactlyOnce: false);

        Assert.Null(aligner.OnBarrier(0, First));
        Assert.False(aligner.Holds(Record(0)));
        Assert.Same(First, aligner.OnBarrier(1, First));
    }

    [Fact]
    public void AtLeastOnceCompletesOverlappingCheckpointsEachWhenItsLastBarrierArrives()
    {
        var aligner = new BarrierAligner(channels: 2, exactlyOnce: false);

        Assert.Null(aligner.OnBarrier(0, First));
        Assert.Null(aligner.OnBarrier(0, Second)); // the fast channel is a checkpoint ahead
        Assert.Same(First, aligner.OnBarrier(1, First));
        Assert.Same(Second, aligner.OnBarrier(1, Second));
    }

    [Fact]
    public void AnEndedChannelCountsAsAligned()
    {
        var aligner = new BarrierAligner(channels: 3, exactlyOnce: true);
        Assert.Empty(aligner.OnEndOfPartition(2));

        Assert.Null(aligner.OnBarrier(0, First));
        Assert.Same(First, aligner.OnBarrier(1, First));

        var other = new BarrierAligner(channels: 2, exactlyOnce: true);
        Assert.Null(other.OnBarrier(0, First));
        Assert.Same(First, Assert.Single(other.OnEndOfPartition(1)));
    }

    [Fact]
    public void ANewerBarrierAbandonsTheOlderAlignmentAndReleasesWhatItHeld()
    {
        var aligner = new BarrierAligner(channels: 2, exactlyOnce: true);
        Assert.Null(aligner.OnBarrier(0, First));
        Assert.True(aligner.Holds(Record(0)));

        Assert.Null(aligner.OnBarrier(1, Second));
        Assert.True(aligner.TryTakeReleased(out _));
        Assert.Null(aligner.OnBarrier(1, First)); // stale
        Assert.Same(Second, aligner.OnBarrier(0, Second));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheAlignmentLastsFromTheFirstBarrierToTheLast(bool exactlyOnce)
    {
        var time = new FakeTimeProvider();
        var aligner = new BarrierAligner(channels: 3, exactlyOnce, time);

        Assert.Null(aligner.OnBarrier(1, First));
        time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Null(aligner.OnBarrier(0, First));
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Same(First, aligner.OnBarrier(2, First));

        Assert.Equal(TimeSpan.FromMilliseconds(250), aligner.LastAlignment);
    }
}
