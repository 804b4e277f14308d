using System.Text.Json;
using System.Text.RegularExpressions;

namespace PyStream.Gateway.HighAvailability;

/// <summary>
/// Flink's JobResultStore, on the high-availability storage (<c>{storage}/job-result-store/</c>, Flink's
/// <c>job-result-store.storage-path</c> default): when a job ends for good, its result is written here as
/// <c>{job id}_DIRTY.json</c> before anything of the job is removed from the storage, and deleted once the
/// job is gone (Flink's <c>job-result-store.delete-on-commit</c>, true by default). A coordinator that finds
/// a dirty result does not resume the job, whatever is left of it in the storage: it finishes the cleanup.
/// So a coordinator killed after a job's last commit never runs its tail again, and one killed halfway
/// through removing a job never resumes what is left of it.
/// </summary>
public sealed partial class JobResultStore
{
    private const string DirtySuffix = "_DIRTY.json";

    public JobResultStore(string storageDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(storageDirectory);
        Directory = Path.Combine(Path.GetFullPath(storageDirectory), "job-result-store");
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Records that the job ended in <paramref name="state"/>; throws <see cref="IOException"/> when it cannot.</summary>
    public void CreateDirtyResult(string jobId, string state, DateTimeOffset endTime)
    {
        var content = JsonSerializer.SerializeToUtf8Bytes(new { version = 1, result = new { id = jobId, state, endTime = endTime.ToUnixTimeMilliseconds() } });
        JobGraphStore.WriteReplacing(DirtyPath(jobId), content);
    }

    /// <summary>The job left the storage: its result is no longer needed.</summary>
    public void MarkResultAsClean(string jobId) => File.Delete(DirtyPath(jobId));

    public bool HasDirtyResult(string jobId) => File.Exists(DirtyPath(jobId));

    /// <summary>The jobs whose cleanup did not finish (the coordinator stopped in between).</summary>
    public IReadOnlyList<string> DirtyResults() =>
        System.IO.Directory.EnumerateFiles(Directory, "*" + DirtySuffix)
            .Select(path => Path.GetFileName(path)[..^DirtySuffix.Length])
            .Where(id => JobIdPattern().IsMatch(id))
            .Order(StringComparer.Ordinal)
            .ToList();

    private string DirtyPath(string jobId) =>
        JobIdPattern().IsMatch(jobId) ? Path.Combine(Directory, jobId + DirtySuffix) : throw new ArgumentException($"'{jobId}' is not a job id");

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex JobIdPattern();
}
