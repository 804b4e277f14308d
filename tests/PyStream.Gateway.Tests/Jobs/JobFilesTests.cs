using PyStream.Engine.Spec;
using PyStream.Gateway.Jobs;

namespace PyStream.Gateway.Tests.Jobs;

public sealed class JobFilesTests : IDisposable
{
    private const string JobId = "0123456789abcdef0123456789abcdef";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("pystream-job-files-");

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public void Only_the_entries_in_the_jobs_own_directory_are_shipped_with_their_files_by_relative_path()
    {
        var files = new JobFiles(_data.FullName, store: null);
        var own = Path.Combine(files.Directory(JobId), "root0");
        Directory.CreateDirectory(Path.Combine(own, "pkg"));
        File.WriteAllText(Path.Combine(own, "helpers.py"), "X = 1\n");
        File.WriteAllText(Path.Combine(own, "pkg", "__init__.py"), "");
        var elsewhere = Directory.CreateDirectory(Path.Combine(_data.FullName, "elsewhere")).FullName;
        File.WriteAllText(Path.Combine(elsewhere, "secret.py"), "");
        var spec = new JobSpec { PythonFiles = { elsewhere, own, Path.Combine(own, "..", "..", "elsewhere") } };

        var root = Assert.Single(files.Roots(JobId, spec));

        Assert.Equal(1, root.Entry);
        Assert.Equal(["helpers.py", "pkg/__init__.py"], root.Files.Select(f => f.Path));
        Assert.Equal("X = 1\n", root.Files[0].Content.ToStringUtf8());
        files.Remove(JobId);
        Assert.False(Directory.Exists(files.Directory(JobId)));
    }
}
