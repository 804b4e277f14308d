using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime;
using PyStream.Engine.Spec;
using static PyStream.Engine.Tests.Harness.JobSpecs;

namespace PyStream.Engine.Tests.Checkpointing;

/// <summary>
/// What a coordinator with high availability relies on: the host hears of each completed checkpoint
/// before sinks commit it, a suspended job keeps its checkpoints, and a job resumed under its id
/// from one of them retains and discards it like its own.
/// </summary>
public sealed class SuspendedJobTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-suspended-");

    public void Dispose() => _root.Delete(recursive: true);

    private JobSpec EndlessNumbers(params (string Key, string Value)[] settings)
    {
        var spec = Job(Numbers(1, 0, 1L << 50), Print(2, 0, "", From(1)));
        spec.Configuration[CheckpointingOptions.DirectoryKey] = Path.Combine(_root.FullName, "checkpoints");
        spec.Configuration[CheckpointingOptions.IntervalKey] = "1 s";
        spec.Configuration[CheckpointingOptions.RetentionKey] = "DELETE_ON_CANCELLATION";
        foreach (var (key, value) in settings)
            spec.Configuration[key] = value;
        return spec;
    }

    [Fact]
    public void A_suspended_job_keeps_its_checkpoints_and_resumes_under_its_id_from_the_one_its_host_recorded()
    {
        var time = new FakeTimeProvider();
        var recorded = new System.Collections.Concurrent.ConcurrentQueue<(string JobId, string Directory)>();
        var environment = new JobEnvironment { Stdout = TextWriter.Null, Time = time, CheckpointCompleted = (id, directory) => recorded.Enqueue((id, directory)) };
        var jobId = JobExecution.NewJobId();
        var first = JobExecution.Start(EndlessNumbers(), environment, jobId: jobId);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(SpinWait.SpinUntil(() => first.CompletedCheckpoints.Count == 1, Bound));
        var checkpoint = Path.Combine(_root.FullName, "checkpoints", jobId, "chk-1");
        Assert.Equal([(jobId, checkpoint)], recorded);
        first.Suspend();
        Assert.True(first.Wait(Bound));
        Assert.Equal(JobStatus.Suspended, first.Status);
        Assert.True(File.Exists(Path.Combine(checkpoint, CheckpointMetadata.FileName)), "kept, although a cancellation would delete it");

        var resumed = JobExecution.Start(EndlessNumbers(), environment with
        {
            ConfigurationOverrides = new Dictionary<string, string> { [CheckpointingOptions.RestorePathKey] = checkpoint },
        }, jobId: jobId);
        try
        {
            Assert.Equal((jobId, checkpoint), (resumed.JobId, resumed.LatestRestore!.Value.Checkpoint.Directory));
            Assert.Equal(checkpoint, Assert.Single(resumed.CompletedCheckpoints).Directory); // its own: retained as such
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(SpinWait.SpinUntil(() => recorded.Count == 2 && resumed.CompletedCheckpoints[^1].Metadata.CheckpointId == 2, Bound));
            Assert.Equal((jobId, Path.Combine(_root.FullName, "checkpoints", jobId, "chk-2")), recorded.ToArray()[1]);
            // Subsumed by the resumed job's first checkpoint (1 retained), once that one is retained: just after the host heard of it.
            Assert.True(SpinWait.SpinUntil(() => !Directory.Exists(checkpoint), Bound));
        }
        finally
        {
            resumed.Cancel();
            Assert.True(resumed.Wait(Bound));
        }

        Assert.Equal(JobStatus.Canceled, resumed.Status);
        Assert.False(Directory.Exists(Path.Combine(_root.FullName, "checkpoints", jobId)));
    }

    [Fact]
    public void A_checkpoint_its_host_cannot_record_fails_and_is_not_retained()
    {
        var time = new FakeTimeProvider();
        var environment = new JobEnvironment
        {
            Stdout = TextWriter.Null,
            Time = time,
            CheckpointCompleted = (_, _) => throw new IOException("the storage is read-only"),
        };
        var execution = JobExecution.Start(EndlessNumbers((CheckpointingOptions.TolerableFailuresKey, "5")), environment);
        try
        {
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(SpinWait.SpinUntil(() => execution.CheckpointHistory.FailedCount == 1, Bound));
            Assert.Contains("the storage is read-only", execution.CheckpointHistory.Latest.Failed!.Failure, StringComparison.Ordinal);
            Assert.Empty(execution.CompletedCheckpoints);
            Assert.False(Directory.Exists(Path.Combine(_root.FullName, "checkpoints", execution.JobId, "chk-1")));
            Assert.Equal(JobStatus.Running, execution.Status);
        }
        finally
        {
            execution.Cancel();
            Assert.True(execution.Wait(Bound));
        }
    }
}
