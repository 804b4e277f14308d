using Python.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>
/// The Python object behind a SQL operator's functions (<c>pystream._runtime.sql_functions</c> and
/// <c>sql_table_functions</c>): its <c>open</c> and <c>close</c>, called with the GIL held, an
/// exception failing the task with the user's traceback. The task thread keeps its Python thread
/// state from open to dispose (<see cref="KeptThreadState"/>), so each batch's call only takes the GIL.
/// </summary>
internal abstract class PythonFunctionsObject(PyObject target, string taskName) : IPythonFunctions
{
    protected PyObject Target => target;

    protected string TaskName => taskName;

    /// <summary>The task thread's Python thread state, kept from <see cref="Open"/> to <see cref="Dispose"/>.</summary>
    private KeptThreadState? _threadState;

    public void Open()
    {
        _threadState = KeptThreadState.Begin();
        try
        {
            UserErrors.Run(taskName, () =>
            {
                target.InvokeMethod("open").Dispose();
                return 0;
            });
        }
        catch
        {
            EndThreadState();
            throw;
        }
    }

    private void EndThreadState()
    {
        _threadState?.End();
        _threadState = null;
    }

    public void Close() => UserErrors.Run(taskName, () =>
    {
        target.InvokeMethod("close").Dispose();
        return 0;
    });

    public void Dispose()
    {
        using (Py.GIL())
            target.Dispose();
        EndThreadState();
    }
}
