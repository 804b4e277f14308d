namespace PyStream.Engine.Runtime;

/// <summary>
/// The standard output of the job whose task runs on this thread (null on other threads), so a
/// host can send what user code prints by itself (Python's <c>print()</c>) to that job.
/// </summary>
public static class TaskOutput
{
    [ThreadStatic]
    private static TextWriter? _current;

    public static TextWriter? Current => _current;

    /// <summary>Marks this thread as running a task of the job writing to <paramref name="stdout"/> until disposed.</summary>
    internal static Scope Use(TextWriter stdout)
    {
        _current = stdout;
        return default;
    }

    internal readonly struct Scope : IDisposable
    {
        public void Dispose() => _current = null;
    }
}
