using PyStream.Gateway.Jobs;

namespace PyStream.Gateway.Tests;

public sealed class JobRegistryTests
{
    [Theory]
    [InlineData("root0/helpers.py", "root0/helpers.py")]
    [InlineData("root1/pkg/__init__.py", "root1/pkg/__init__.py")]
    public void A_relative_path_stays_inside_the_jobs_directory(string path, string expected) =>
        Assert.Equal(expected, JobRegistry.SafeRelativePath(path));

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../outside.py")]
    [InlineData("root0/../../outside.py")]
    [InlineData("root0/./x.py")]
    [InlineData("root0//x.py")]
    [InlineData("root0\\..\\x.py")]
    [InlineData("root0/x\0.py")]
    public void A_path_that_could_escape_is_refused(string path)
    {
        var error = Assert.Throws<ArgumentException>(() => JobRegistry.SafeRelativePath(path));
        Assert.Contains("must be relative and stay inside the job's directory", error.Message, StringComparison.Ordinal);
    }
}
