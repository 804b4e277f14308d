using Python.Runtime;
using PyStream.Engine.UserCode;

namespace PyStream.Python;

/// <summary>Turns a Python exception from user code into the traceback the user should read.</summary>
internal static class UserErrors
{
    /// <summary>Call with the GIL held.</summary>
    public static UserFunctionException From(PythonException error, string operatorName)
    {
        string text;
        try
        {
            using var errors = Py.Import("pystream._runtime.errors");
            using var formatted = errors.InvokeMethod("format_user_error", error.Type, error.Value ?? PyObject.None, error.Traceback ?? PyObject.None);
            text = formatted.As<string>();
        }
        catch (PythonException)
        {
            text = error.Format();
        }

        return new UserFunctionException(operatorName, text);
    }
}
