using Python.Runtime;

namespace PyStream.Python;

/// <summary>
/// Keeps a task thread's Python thread state from its operator's open to its close. A GIL
/// acquisition on a thread that has none makes a thread state and its release frees it again,
/// with its frame stack (mapped and unmapped, a TLB flush on every core); holding one acquisition
/// open for the task's life makes each batch's GIL acquisition only take and release the lock.
/// Begin on a thread that does not hold the GIL.
/// </summary>
internal sealed class KeptThreadState
{
    private readonly Py.GILState _held;
    private readonly nint _saved;
    private readonly int _thread;

    private KeptThreadState(Py.GILState held, nint saved, int thread)
    {
        _held = held;
        _saved = saved;
        _thread = thread;
    }

    /// <summary>Makes the calling thread's thread state and releases the GIL, keeping the thread state.</summary>
    public static KeptThreadState Begin()
    {
        var held = Py.GIL();
        return new KeptThreadState(held, PythonEngine.BeginAllowThreads(), Environment.CurrentManagedThreadId);
    }

    /// <summary>Frees the thread state; only the thread that began it can (from another, it stays until the interpreter ends).</summary>
    public void End()
    {
        if (Environment.CurrentManagedThreadId != _thread)
            return;
        PythonEngine.EndAllowThreads(_saved);
        _held.Dispose();
    }
}
