using Python.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>Turns a Python exception from user code into the traceback the user should read.</summary>
internal static class UserErrors
{
    /// <summary>Runs <paramref name="call"/> with the GIL; a Python exception becomes a <see cref="UserFunctionException"/>.</summary>
    public static T Run<T>(string operatorName, Func<T> call)
    {
        using (Py.GIL())
        {
            try
            {
                return call();
            }
            catch (PythonException error)
            {
                throw From(error, operatorName);
            }
        }
    }

    /// <summary>Call with the GIL held.</summary>
    public static UserFunctionException From(PythonException error, string operatorName)
    {
        try
        {
            using var errors = Py.Import("pystream._runtime.errors");
            using var described = errors.InvokeMethod("describe_user_error", error.Type, error.Value ?? PyObject.None, error.Traceback ?? PyObject.None);
            using var name = described[0];
            using var text = described[1];
            return new UserFunctionException(name.IsNone() ? operatorName : name.As<string>(), text.As<string>());
        }
        catch (PythonException)
        {
            return new UserFunctionException(operatorName, error.Format());
        }
    }
}
