using Python.Runtime;

namespace PyStream.Python;

/// <summary>
/// Runs a user's script in the embedded CPython through <c>pystream._bridge</c>, for the hosts
/// (the <c>pystream</c> command), so that only this project touches pythonnet.
/// Call after <see cref="PythonHost.Start"/>, without holding the GIL.
/// </summary>
public static class PythonScripts
{
    /// <summary>
    /// Runs <paramref name="script"/> as <c>__main__</c> with <c>sys.argv</c> = the script and
    /// <paramref name="arguments"/>; returns its exit code. The script's own errors are printed by
    /// the bridge; an error of the bridge itself is printed here (with .NET details when verbose).
    /// </summary>
    public static int Run(string script, IReadOnlyList<string> arguments, EmbeddedEngine engine, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(engine);
        using (Py.GIL())
        {
            try
            {
                using var bridge = Py.Import("pystream._bridge");
                using var pyEngine = engine.ToPython();
                using var argv = new PyList([new PyString(script), .. arguments.Select(a => (PyObject)new PyString(a))]);
                using var result = bridge.InvokeMethod("run_script", new PyString(script), argv, pyEngine, verbose.ToPython());
                return result.As<int>();
            }
            catch (PythonException error)
            {
                Console.Error.WriteLine($"pystream: internal error: {(verbose ? error.ToString() : error.Format())}");
                return 1;
            }
        }
    }
}
