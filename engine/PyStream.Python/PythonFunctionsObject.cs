using Python.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>
/// The Python object behind a SQL operator's functions (<c>pystream._runtime.sql_functions</c> and
/// <c>sql_table_functions</c>): its <c>open</c> and <c>close</c>, called with the GIL held, an
/// exception failing the task with the user's traceback.
/// </summary>
internal abstract class PythonFunctionsObject(PyObject target, string taskName) : IPythonFunctions
{
    protected PyObject Target => target;

    protected string TaskName => taskName;

    public void Open() => UserErrors.Run(taskName, () =>
    {
        target.InvokeMethod("open").Dispose();
        return 0;
    });

    public void Close() => UserErrors.Run(taskName, () =>
    {
        target.InvokeMethod("close").Dispose();
        return 0;
    });

    public void Dispose()
    {
        using (Py.GIL())
            target.Dispose();
    }
}
