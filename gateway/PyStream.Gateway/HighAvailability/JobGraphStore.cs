using System.Text.RegularExpressions;
using Google.Protobuf;
using PyStream.Engine.Spec;

namespace PyStream.Gateway.HighAvailability;

/// <summary>
/// The running jobs kept in the high-availability storage directory (Flink's
/// <c>high-availability.storageDir</c>), which every coordinator mounts at the same path:
/// <c>jobs/{job id}/jobspec.pb</c> (the JobSpec as submitted, its Python functions included),
/// <c>jobs/{job id}/files/</c> (the Python files that came with it) and
/// <c>jobs/{job id}/latest-checkpoint</c> (the directory of its latest completed checkpoint).
/// Files are replaced by a rename, so a reader sees the old or the new one, never a half.
/// </summary>
public sealed partial class JobGraphStore
{
    private const string SpecFile = "jobspec.pb";
    private const string CheckpointFile = "latest-checkpoint";

    public JobGraphStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        JobsDirectory = Path.Combine(Path.GetFullPath(directory), "jobs");
        Directory.CreateDirectory(JobsDirectory);
    }

    public string JobsDirectory { get; }

    /// <summary>Where a job's Python files go, so a coordinator that resumes it finds them.</summary>
    public string FilesDirectory(string jobId) => Path.Combine(JobDirectory(jobId), "files");

    /// <summary>Keeps a job that is about to start.</summary>
    public void Put(string jobId, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        WriteReplacing(Path.Combine(JobDirectory(jobId), SpecFile), spec.ToByteArray());
    }

    /// <summary>Points the job at its latest completed checkpoint; throws <see cref="IOException"/> when it cannot.</summary>
    public void RecordCheckpoint(string jobId, string checkpointDirectory) =>
        WriteReplacing(Path.Combine(JobDirectory(jobId), CheckpointFile), System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(checkpointDirectory)));

    /// <summary>Forgets a job that ended for good (finished, cancelled, failed), its files with it.</summary>
    public void Remove(string jobId)
    {
        var directory = JobDirectory(jobId);
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
    }

    /// <summary>
    /// Every stored job, each read whole or reported: an entry that cannot be read (no or a
    /// corrupt JobSpec, a bad checkpoint pointer, a name that is no job id) is passed to
    /// <paramref name="corrupt"/> with what is wrong, and left where it is for an operator to look at.
    /// </summary>
    public IReadOnlyList<StoredJob> ReadAll(Action<string, string> corrupt)
    {
        ArgumentNullException.ThrowIfNull(corrupt);
        var jobs = new List<StoredJob>();
        foreach (var directory in Directory.EnumerateDirectories(JobsDirectory).Order(StringComparer.Ordinal))
        {
            try
            {
                jobs.Add(Read(directory));
            }
            catch (Exception error) when (error is InvalidDataException or IOException or UnauthorizedAccessException or InvalidProtocolBufferException)
            {
                corrupt(directory, error.Message);
            }
        }

        return jobs;
    }

    private static StoredJob Read(string directory)
    {
        var jobId = Path.GetFileName(directory);
        if (!JobIdPattern().IsMatch(jobId))
            throw new InvalidDataException("its name is not a job id (32 hex digits)");
        var specPath = Path.Combine(directory, SpecFile);
        if (!File.Exists(specPath))
            throw new InvalidDataException($"it has no {SpecFile} (the coordinator stopped while the job was being submitted?)");
        var spec = JobSpec.Parser.ParseFrom(File.ReadAllBytes(specPath));
        if (spec.Transformations.Count == 0)
            throw new InvalidDataException($"its {SpecFile} holds no transformations");
        string? checkpoint = null;
        var pointer = Path.Combine(directory, CheckpointFile);
        if (File.Exists(pointer))
        {
            checkpoint = File.ReadAllText(pointer).Trim();
            if (!Path.IsPathFullyQualified(checkpoint) || checkpoint.Contains('\0'))
                throw new InvalidDataException($"its {CheckpointFile} does not hold a checkpoint directory: '{Shorten(checkpoint)}'");
        }

        return new StoredJob(jobId, spec, checkpoint);
    }

    private string JobDirectory(string jobId) =>
        JobIdPattern().IsMatch(jobId) ? Path.Combine(JobsDirectory, jobId) : throw new ArgumentException($"'{jobId}' is not a job id");

    /// <summary>Writes a file whole: a reader sees the old or the new content, never a half.</summary>
    internal static void WriteReplacing(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex JobIdPattern();
}
