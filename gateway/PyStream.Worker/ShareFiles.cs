using PyStream.Cluster.Protocol;
using PyStream.Engine.Spec;

namespace PyStream.Worker;

/// <summary>
/// The Python files that come with the shares this worker runs: each share's in a directory of its own
/// (<c>{root}/{attempt id}/{entry}/...</c>), where the share's JobSpec entries are pointed, removed when the
/// share ends, and the whole root when the worker stops. Shares of different jobs, and attempts of one job,
/// never read each other's files.
/// </summary>
internal sealed class ShareFiles(string root)
{
    public string Root { get; } = root;

    /// <summary>
    /// Writes the share's files and points their <see cref="JobSpec.PythonFiles"/> entries at them; returns the
    /// share's directory, or null when it came without files. Throws <see cref="ArgumentException"/> for a path
    /// that would leave the directory, <see cref="IOException"/> when the files cannot be written.
    /// </summary>
    public string? Unpack(DeployShare share, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(spec);
        if (share.PythonRoots.Count == 0)
            return null;
        var directory = Path.Combine(Root, Name(share.AttemptId));
        foreach (var pythonRoot in share.PythonRoots)
        {
            if (pythonRoot.Entry < 0 || pythonRoot.Entry >= spec.PythonFiles.Count)
                throw new ArgumentException($"the share's Python files name entry {pythonRoot.Entry} of {spec.PythonFiles.Count} python_files entries");
            var entryDirectory = Path.Combine(directory, pythonRoot.Entry.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(entryDirectory);
            foreach (var file in pythonRoot.Files)
            {
                var path = Path.Combine(entryDirectory, Relative(file.Path));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, file.Content.ToByteArray());
            }

            spec.PythonFiles[pythonRoot.Entry] = entryDirectory;
        }

        return directory;
    }

    /// <summary>Removes a share's files once it ended; a directory that cannot be removed is left for the worker's exit.</summary>
    public void Remove(string attemptId, ILogger logger)
    {
        if (!IsAttemptId(attemptId))
            return; // refused when unpacked: nothing was written
        Delete(Path.Combine(Root, attemptId), logger);
    }

    /// <summary>Removes a directory of files that came with a share or an uploaded script; one that cannot be removed is logged and left for the worker's exit.</summary>
    public static void Delete(string directory, ILogger logger)
    {
        try
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            logger.ShareFilesNotRemoved(directory, error.Message);
        }
    }

    /// <summary>Removes every share's files (the worker stops).</summary>
    public void RemoveAll()
    {
        try
        {
            if (Directory.Exists(Root))
                Directory.Delete(Root, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"pystream worker: cannot remove {Root}: {error.Message}");
        }
    }

    /// <summary>An attempt id as a directory name: the coordinator's ids are hex and dashes; anything else is refused.</summary>
    private static string Name(string attemptId) =>
        IsAttemptId(attemptId) ? attemptId : throw new ArgumentException($"'{attemptId}' is not an attempt id");

    private static bool IsAttemptId(string attemptId) => attemptId.Length > 0 && attemptId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Relative(string path)
    {
        var parts = path.Split('/');
        if (path.Length == 0 || path.Contains('\\') || path.Contains('\0') || parts.Any(p => p is "" or "." or ".."))
            throw new ArgumentException($"shipped file '{path}' must be relative and stay inside its directory");
        return Path.Combine(parts);
    }
}
