using Microsoft.Extensions.Logging;

namespace PyStream.Engine.Checkpointing;

/// <summary>
/// Finds what <c>./pystream run -s PATH</c> resumes from: a savepoint or checkpoint directory,
/// a job's checkpoint directory (its newest <c>chk-N</c>), or a checkpoint root (the newest
/// checkpoint of any job under it). A corrupt checkpoint is reported and an older one tried.
/// </summary>
public static class CheckpointLocator
{
    public static RestoredCheckpoint Resolve(string path, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
            throw new PyStreamException($"no checkpoint or savepoint at '{path}': the directory does not exist");

        List<string> candidates;
        if (File.Exists(Path.Combine(full, CheckpointMetadata.FileName)))
        {
            // A chk-N inside a job directory may fall back to its older siblings; a savepoint stands alone.
            var parent = Path.GetDirectoryName(full)!;
            candidates = IsCheckpointDirectory(full)
                ? [full, .. CheckpointsIn(parent).Where(c => Number(c) < Number(full))]
                : [full];
        }
        else
        {
            candidates = CheckpointsIn(full).ToList();
            if (candidates.Count == 0)
                candidates = Directory.EnumerateDirectories(full).SelectMany(CheckpointsIn).ToList();
            candidates = candidates.OrderByDescending(MetadataTime).ToList();
        }

        if (candidates.Count == 0)
            throw new PyStreamException($"no checkpoint or savepoint at '{path}' (a directory with a _metadata file, or one holding chk-N directories)");
        return RestoredCheckpoint.FirstIntact(candidates, log)
            ?? throw new PyStreamException($"no intact checkpoint at '{path}' (each one's fault is reported above)");
    }

    private static bool IsCheckpointDirectory(string directory) => Number(directory) >= 0;

    private static long Number(string directory) =>
        Path.GetFileName(directory) is { } name && name.StartsWith("chk-", StringComparison.Ordinal) && long.TryParse(name[4..], out var n) ? n : -1;

    /// <summary>A job directory's checkpoints that completed (have metadata), newest first.</summary>
    private static IEnumerable<string> CheckpointsIn(string jobDirectory) =>
        Directory.EnumerateDirectories(jobDirectory, "chk-*")
            .Where(d => Number(d) >= 0 && File.Exists(Path.Combine(d, CheckpointMetadata.FileName)))
            .OrderByDescending(Number);

    private static DateTime MetadataTime(string directory) => File.GetLastWriteTimeUtc(Path.Combine(directory, CheckpointMetadata.FileName));
}
