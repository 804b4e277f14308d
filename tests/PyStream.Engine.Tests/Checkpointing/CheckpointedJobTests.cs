using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Runtime;
using PyStream.Engine.Spec;
using static PyStream.Engine.Tests.Harness.JobSpecs;

namespace PyStream.Engine.Tests.Checkpointing;

/// <summary>Whole native jobs with checkpoints and savepoints, on real task threads and an injected clock.</summary>
public sealed class CheckpointedJobTests : IDisposable
{
    private const long Endless = 1L << 50;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-checkpointed-");

    public void Dispose() => _root.Delete(recursive: true);

    private JobSpec EndlessNumbersToPrint(params (string Key, string Value)[] settings)
    {
        var spec = Job(Numbers(1, 0, Endless), Print(2, 0, "", From(1)));
        spec.Configuration[CheckpointingOptions.DirectoryKey] = Path.Combine(_root.FullName, "checkpoints");
        foreach (var (key, value) in settings)
            spec.Configuration[key] = value;
        return spec;
    }

    /// <summary>Checkpoints every second, deleted on cancellation: what a suspended job must keep all the same.</summary>
    private JobSpec Checkpointed(params (string Key, string Value)[] settings) =>
        EndlessNumbersToPrint([(CheckpointingOptions.IntervalKey, "1 s"), (CheckpointingOptions.RetentionKey, "DELETE_ON_CANCELLATION"), .. settings]);

    [Fact]
    public void A_suspended_job_keeps_its_checkpoints_and_resumes_under_its_id_from_the_one_its_host_recorded()
    {
        var time = new FakeTimeProvider();
        var recorded = new System.Collections.Concurrent.ConcurrentQueue<(string JobId, string Directory)>();
        var environment = new JobEnvironment { Stdout = TextWriter.Null, Time = time, CheckpointCompleted = (id, directory) => recorded.Enqueue((id, directory)) };
        var jobId = JobExecution.NewJobId();
        var first = JobExecution.Start(Checkpointed(), environment, jobId: jobId);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(SpinWait.SpinUntil(() => first.CompletedCheckpoints.Count == 1, Bound));
        var checkpoint = Path.Combine(_root.FullName, "checkpoints", jobId, "chk-1");
        Assert.Equal([(jobId, checkpoint)], recorded);
        first.Suspend();
        Assert.True(first.Wait(Bound));
        Assert.Equal(JobStatus.Suspended, first.Status);
        Assert.True(File.Exists(Path.Combine(checkpoint, CheckpointMetadata.FileName)), "kept, although a cancellation would delete it");

        var resumed = JobExecution.Start(Checkpointed(), environment with
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
        var execution = JobExecution.Start(Checkpointed((CheckpointingOptions.TolerableFailuresKey, "5")), environment);
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

    [Fact]
    public async Task StopWithSavepointThenResumeRepeatsAndLosesNothing()
    {
        var printed = new List<long>();
        string? savepoint = null;
        for (var run = 0; run < 2; run++)
        {
            using var stdout = new StringWriter(CultureInfo.InvariantCulture);
            var overrides = savepoint is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [CheckpointingOptions.RestorePathKey] = savepoint };
            var execution = JobExecution.Start(EndlessNumbersToPrint(), new JobEnvironment { Stdout = stdout, Time = new FakeTimeProvider(), ConfigurationOverrides = overrides });

            savepoint = await execution.TriggerSavepoint(Path.Combine(_root.FullName, "savepoints"), stop: true).WaitAsync(Bound);
            Assert.True(execution.Wait(Bound));
            Assert.Equal(JobStatus.Finished, execution.Status);
            printed.AddRange(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse));
        }

        Assert.Equal(Enumerable.Range(0, printed.Count).Select(i => (long)i), printed);
        Assert.Equal(SnapshotKind.StopSavepoint, RestoredCheckpoint.Load(savepoint!).Metadata.Kind);
    }

    [Fact]
    public void PeriodicCheckpointsFollowTheInjectedClockAndACancelledJobKeepsThemOnlyWhenAsked()
    {
        foreach (var retention in new[] { "DELETE_ON_CANCELLATION", "RETAIN_ON_CANCELLATION" })
        {
            var time = new FakeTimeProvider();
            var spec = EndlessNumbersToPrint((CheckpointingOptions.IntervalKey, "1 s"), (CheckpointingOptions.RetentionKey, retention));
            var execution = JobExecution.Start(spec, new JobEnvironment { Stdout = TextWriter.Null, Time = time });
            try
            {
                Assert.Empty(execution.CompletedCheckpoints);
                time.Advance(TimeSpan.FromSeconds(1));
                Assert.True(SpinWait.SpinUntil(() => execution.CompletedCheckpoints.Count == 1, Bound));
                var (directory, metadata) = execution.CompletedCheckpoints[0];
                Assert.Equal(1, metadata.CheckpointId);
                Assert.Equal(Path.Combine(_root.FullName, "checkpoints", execution.JobId, "chk-1"), directory);
                Assert.Equal(2, metadata.Tasks.Single().Operators.Count);
            }
            finally
            {
                execution.Cancel();
                Assert.True(execution.Wait(Bound));
            }

            Assert.Equal(JobStatus.Canceled, execution.Status);
            Assert.Equal(retention == "RETAIN_ON_CANCELLATION", Directory.Exists(Path.Combine(_root.FullName, "checkpoints", execution.JobId)));
        }
    }

    [Fact]
    public void ChainsWithTheSameNameAreCheckpointedApart()
    {
        var first = Numbers(1, 0, Endless);
        var second = Numbers(2, 0, Endless);
        second.Name = first.Name;
        var spec = Job(first, second, Print(3, 0, "", From(1), From(2)).Chained(Chaining.ChainNever));
        spec.Configuration[CheckpointingOptions.DirectoryKey] = Path.Combine(_root.FullName, "checkpoints");
        spec.Configuration[CheckpointingOptions.IntervalKey] = "1 s";
        var time = new FakeTimeProvider();
        var execution = JobExecution.Start(spec, new JobEnvironment { Stdout = TextWriter.Null, Time = time });
        try
        {
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(SpinWait.SpinUntil(() => execution.CompletedCheckpoints.Count == 1, Bound));
            Assert.Equal(3, execution.CompletedCheckpoints[0].Metadata.Tasks.Count);
        }
        finally
        {
            execution.Cancel();
            execution.Wait(Bound);
        }
    }

    [Fact]
    public void ASavepointNeedsADirectory()
    {
        var execution = JobExecution.Start(EndlessNumbersToPrint(), new JobEnvironment { Stdout = TextWriter.Null, Time = new FakeTimeProvider() });
        try
        {
            var error = Assert.Throws<PyStreamException>(() => { _ = execution.TriggerSavepoint(null); });
            Assert.Contains(CheckpointingOptions.SavepointDirectoryKey, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            execution.Cancel();
            execution.Wait(Bound);
        }
    }

    [Fact]
    public async Task EachSubtaskReportsItsPartOfACheckpoint()
    {
        // Two chains at parallelism 2 across a rebalance: four subtasks, each acknowledging for itself.
        var spec = Job(parallelism: 2, Numbers(1, 0, Endless), Print(2, 0, "", From(1, Partitioning.Rebalance)).Chained(Chaining.ChainNever));
        var execution = JobExecution.Start(spec, new JobEnvironment { Stdout = TextWriter.Null, Time = new FakeTimeProvider() });
        try
        {
            var directory = await execution.TriggerSavepoint(Path.Combine(_root.FullName, "savepoints")).WaitAsync(Bound);

            var stats = Assert.Single(execution.CheckpointHistory.Entries);
            var subtasks = stats.Subtasks!;
            var handles = RestoredCheckpoint.Load(directory).Metadata.Tasks;
            Assert.Equal(handles.Select(h => (h.ChainIndex, h.Subtask)).Order(), subtasks.Select(s => (s.ChainIndex, s.Subtask)));
            Assert.Equal(4, subtasks.Count);
            foreach (var subtask in subtasks)
            {
                var handle = handles.Single(h => h.ChainIndex == subtask.ChainIndex && h.Subtask == subtask.Subtask);
                Assert.Equal(handle.Files().Sum(f => f.Size), subtask.StateSizeBytes);
                Assert.Equal(handle.Chain, subtask.Task);
                // The injected clock stands still: every phase took no time on it.
                Assert.Equal((0L, 0L, 0L), (subtask.AlignmentDurationMs, subtask.SyncDurationMs, subtask.AsyncDurationMs));
            }

            Assert.Contains(subtasks, s => s.StateSizeBytes > 0); // the sources' positions
        }
        finally
        {
            execution.Cancel();
            execution.Wait(Bound);
        }
    }

    [Fact]
    public async Task ASavepointThatExpiresNamesTheTasksItWaitedFor()
    {
        var time = new FakeTimeProvider();
        using var sink = new BlockingWriter();
        var spec = EndlessNumbersToPrint((CheckpointingOptions.TimeoutKey, "10 s"));
        spec.Parallelism = 1;
        spec.Transformations[1].Chaining = Chaining.ChainNever;  // the print sink is a task of its own, behind the source
        spec.Name = "expiring-" + Guid.NewGuid().ToString("N")[..8];
        // The sink holds its first batch and its input queue holds 8 more: the source's tenth batch
        // blocks it, inside that send, where it cannot start the savepoint.
        using var sends = new SendsOf(spec.Name, blockedAt: 10);
        var execution = JobExecution.Start(spec, new JobEnvironment { Stdout = sink, Time = time });
        try
        {
            Assert.True(sink.Entered.Wait(Bound)); // the sink is stuck in its first write
            Assert.True(sends.Reached.Wait(Bound)); // and the source in its send
            var savepoint = execution.TriggerSavepoint(Path.Combine(_root.FullName, "savepoints"));
            time.Advance(TimeSpan.FromSeconds(10));

            var error = await Assert.ThrowsAsync<PyStreamException>(() => savepoint.WaitAsync(Bound));
            // The source is held up too: its queue is full, so it has not reached the savepoint's trigger.
            Assert.StartsWith("savepoint 1 failed: it expired before completing (timeout 10000 ms); still waiting for 'numbers-1', 'print-2' (", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            execution.Cancel();
            sink.Release();
            execution.Wait(Bound);
        }
    }

    /// <summary>Counts the batches a job's tasks send to other tasks (one <c>pystream.records.out</c> measurement each).</summary>
    private sealed class SendsOf : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
        private int _sends;

        public SendsOf(string job, int blockedAt)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PyStream.Engine.Telemetry.EngineTelemetry.MeterName && instrument.Name == "pystream.records.out")
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "job" && Equals(tag.Value, job) && Interlocked.Increment(ref _sends) == blockedAt)
                        Reached.Set();
                }
            });
            _listener.Start();
        }

        public ManualResetEventSlim Reached { get; } = new();

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>A stdout whose first write blocks until released.</summary>
    private sealed class BlockingWriter : StringWriter
    {
        private readonly ManualResetEventSlim _released = new();

        public ManualResetEventSlim Entered { get; } = new();

        public void Release() => _released.Set();

        public override void Write(string? value)
        {
            Entered.Set();
            _released.Wait();
        }

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        protected override void Dispose(bool disposing)
        {
            _released.Set();
            base.Dispose(disposing);
        }
    }
}
