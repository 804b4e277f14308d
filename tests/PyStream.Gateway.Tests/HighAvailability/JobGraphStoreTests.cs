using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using PyStream.Engine.Runtime;
using PyStream.Gateway.HighAvailability;
using PyStream.Gateway.Jobs;
using PyStream.Gateway.Monitoring;
using static PyStream.Engine.Tests.Harness.JobSpecs;

namespace PyStream.Gateway.Tests.HighAvailability;

public sealed class JobGraphStoreTests : IDisposable
{
    private readonly DirectoryInfo _storage = Directory.CreateTempSubdirectory("pystream-ha-");

    public void Dispose() => _storage.Delete(recursive: true);

    [Fact]
    public void A_stored_job_reads_back_with_its_checkpoint_and_is_gone_once_removed()
    {
        var store = new JobGraphStore(_storage.FullName);
        var id = JobExecution.NewJobId();
        var spec = Job(Numbers(1, 1, 3), Print(2, 1, "", From(1)));
        store.Put(id, spec);
        store.RecordCheckpoint(id, "/shared/checkpoints/" + id + "/chk-3");

        var stored = Assert.Single(store.ReadAll((directory, reason) => Assert.Fail($"{directory}: {reason}")));
        Assert.Equal((id, spec, "/shared/checkpoints/" + id + "/chk-3"), (stored.JobId, stored.Spec, stored.LatestCheckpoint));
        store.Remove(id);
        Assert.Empty(store.ReadAll((directory, reason) => Assert.Fail($"{directory}: {reason}")));
    }

    [Theory]
    [InlineData("not-a-job-id", null, null, "its name is not a job id")]
    [InlineData("0123456789abcdef0123456789abcdef", null, null, "it has no jobspec.pb")]
    [InlineData("0123456789abcdef0123456789abcdef", "\u00ff\u0001garbage", null, "wire type")]
    [InlineData("0123456789abcdef0123456789abcdef", "", null, "holds no transformations")]
    [InlineData("0123456789abcdef0123456789abcdef", null, "chk-3", "does not hold a checkpoint directory: 'chk-3'")]
    public void A_corrupt_entry_is_reported_with_what_is_wrong_and_the_others_still_read(string name, string? spec, string? pointer, string reason)
    {
        var store = new JobGraphStore(_storage.FullName);
        var good = JobExecution.NewJobId();
        store.Put(good, Job(Numbers(1, 1, 3), Print(2, 1, "", From(1))));
        var bad = Directory.CreateDirectory(Path.Combine(store.JobsDirectory, name)).FullName;
        if (pointer is not null)
            File.WriteAllText(Path.Combine(bad, "latest-checkpoint"), pointer);
        if (spec is not null || pointer is not null)
            File.WriteAllBytes(Path.Combine(bad, "jobspec.pb"), spec is null ? Job(Numbers(1, 1, 3), Print(2, 1, "", From(1))).ToByteArray() : System.Text.Encoding.Latin1.GetBytes(spec));

        var reports = new List<(string Directory, string Reason)>();
        var stored = store.ReadAll((directory, why) => reports.Add((directory, why)));
        Assert.Equal(good, Assert.Single(stored).JobId);
        var (directory, why) = Assert.Single(reports);
        Assert.Equal(bad, directory);
        Assert.Contains(reason, why, StringComparison.Ordinal);
        Assert.True(Directory.Exists(bad), "left for an operator to look at");
    }

    [Fact]
    public void A_standby_refuses_jobs_and_a_single_gateway_leads_from_its_start()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var metrics = new TaskMetrics(time, sampleEverySecond: false);
        JobRegistry Registry(HighAvailabilityType type) => new(new JobEnvironment { Time = time }, new GatewayOptions
        {
            DataDirectory = _storage.FullName,
            HighAvailability = new HighAvailabilitySettings(_storage.FullName, type, null),
        }, metrics);

        var standby = Registry(HighAvailabilityType.Kubernetes);
        Assert.False(standby.IsLeader);
        Assert.Throws<NotLeaderException>(() => standby.Submit(Job(Numbers(1, 1, 3), Print(2, 1, "", From(1))), [], new Dictionary<string, string>()));
        Assert.Empty(new JobGraphStore(_storage.FullName).ReadAll((_, _) => { }));
        Assert.True(Registry(HighAvailabilityType.None).IsLeader);
    }
}
