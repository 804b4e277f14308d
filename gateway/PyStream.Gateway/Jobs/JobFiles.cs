using Google.Protobuf;
using PyStream.Cluster.Protocol;
using PyStream.Engine.Spec;
using PyStream.Gateway.HighAvailability;

namespace PyStream.Gateway.Jobs;

/// <summary>
/// Where the coordinator keeps the Python files a job was submitted with (<c>add_python_file</c>, the
/// script's own modules): one directory per job, on the high-availability storage when there is one (so
/// the coordinator that resumes the job finds them), else under the gateway's data directory. Workers
/// cannot read that directory, so a share's deployment carries the files of each spec entry inside it.
/// </summary>
public sealed class JobFiles(string filesRoot, JobGraphStore? store)
{
    public static JobFiles For(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var highAvailability = options.HighAvailability;
        return new JobFiles(Path.Combine(options.DataDirectory, "files"),
            highAvailability is null ? null : new JobGraphStore(highAvailability.StorageDirectory));
    }

    /// <summary>The job's file directory (the stored job's <c>files/</c> under high availability).</summary>
    public string Directory(string jobId) => store?.FilesDirectory(jobId) ?? Path.Combine(filesRoot, jobId);

    /// <summary>
    /// The files of every <see cref="JobSpec.PythonFiles"/> entry that lies in the job's own file directory,
    /// by entry; other entries name directories the job was not submitted with, and nothing of them is read.
    /// </summary>
    public IReadOnlyList<PythonRoot> Roots(string jobId, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var own = Path.GetFullPath(Directory(jobId)) + Path.DirectorySeparatorChar;
        var roots = new List<PythonRoot>();
        for (var entry = 0; entry < spec.PythonFiles.Count; entry++)
        {
            var directory = Path.GetFullPath(spec.PythonFiles[entry]);
            if (!directory.StartsWith(own, StringComparison.Ordinal) || !System.IO.Directory.Exists(directory))
                continue;
            var root = new PythonRoot { Entry = entry };
            foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                root.Files.Add(new ShippedFile
                {
                    Path = Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/'),
                    Content = ByteString.CopyFrom(File.ReadAllBytes(file)),
                });
            }

            roots.Add(root);
        }

        return roots;
    }

    /// <summary>Forgets the files of a job that ended, unless the high-availability storage keeps them (it removes the job whole).</summary>
    public void Remove(string jobId)
    {
        var directory = Directory(jobId);
        if (store is null && System.IO.Directory.Exists(directory))
            System.IO.Directory.Delete(directory, recursive: true);
    }
}
