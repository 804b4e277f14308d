using System.Reflection.PortableExecutable;

namespace PyStream.Worker.Tests;

/// <summary>
/// The worker executable is built precompiled (ReadyToRun, Directory.Build.targets): a fresh local worker's first
/// job then runs compiled code instead of JIT-compiling thousands of methods (BENCHMARKS.md, "Start-up of a fresh process").
/// </summary>
public sealed class ReadyToRunBuildTests
{
    [Fact]
    public void A_release_build_of_the_worker_is_precompiled_with_its_packages_and_a_plain_library_is_not()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // .../bin/CONFIGURATION/net10.0
        var root = RepositoryRoot();
        var worker = Path.Combine(root, "gateway", "PyStream.Worker", "bin", configuration, "net10.0");
        var release = configuration == "Release";
        foreach (var assembly in (string[])["pystream-worker.dll", "PyStream.Engine.dll", "PyStream.Python.dll", "Google.Protobuf.dll", "Python.Runtime.dll"])
            Assert.True(IsPrecompiled(Path.Combine(worker, assembly)) == release, $"{assembly} in {worker}: precompiled should be {release}");
        // The same engine assembly as its own project builds it: IL only, so the check above tells the two apart.
        Assert.False(IsPrecompiled(Path.Combine(root, "engine", "PyStream.Engine", "bin", configuration, "net10.0", "PyStream.Engine.dll")));
    }

    private static bool IsPrecompiled(string path)
    {
        using var reader = new PEReader(File.OpenRead(path));
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PyStream.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("PyStream.sln not found above " + AppContext.BaseDirectory);
    }
}
