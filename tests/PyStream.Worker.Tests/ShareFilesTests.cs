using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using PyStream.Cluster.Protocol;
using PyStream.Engine.Spec;

namespace PyStream.Worker.Tests;

public sealed class ShareFilesTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("pystream-share-files-");

    public void Dispose() => _root.Delete(recursive: true);

    private static DeployShare Share(int entry, params string[] paths) => new()
    {
        AttemptId = "0a1b2c",
        PythonRoots = { new PythonRoot { Entry = entry, Files = { paths.Select(p => new ShippedFile { Path = p, Content = ByteString.CopyFromUtf8($"# {p}\n") }) } } },
    };

    [Fact]
    public void A_shares_files_go_to_its_own_directory_where_the_spec_points_and_leave_with_it()
    {
        var files = new ShareFiles(_root.FullName);
        var spec = new JobSpec { PythonFiles = { "/on/the/client", "/coordinator/files/job/root1" } };

        var directory = files.Unpack(Share(1, "helpers.py", "pkg/__init__.py"), spec);

        Assert.Equal(Path.Combine(_root.FullName, "0a1b2c"), directory);
        Assert.Equal(["/on/the/client", Path.Combine(directory!, "1")], spec.PythonFiles);
        Assert.Equal("# pkg/__init__.py\n", File.ReadAllText(Path.Combine(directory!, "1", "pkg", "__init__.py")));
        files.Remove("0a1b2c", NullLogger.Instance);
        Assert.False(Directory.Exists(directory));
    }

    [Theory]
    [InlineData(0, "../escape.py", "must be relative and stay inside its directory")]
    [InlineData(0, "/etc/passwd", "must be relative and stay inside its directory")]
    [InlineData(0, "a/./b.py", "must be relative and stay inside its directory")]
    [InlineData(3, "fine.py", "name entry 3 of 1 python_files entries")]
    public void A_file_outside_the_shares_directory_or_an_unknown_entry_is_refused(int entry, string path, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => new ShareFiles(_root.FullName).Unpack(Share(entry, path), new JobSpec { PythonFiles = { "/x" } }));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root.FullName, "escape.py")));
    }
}
