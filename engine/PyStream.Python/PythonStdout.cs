using Python.Runtime;

namespace PyStream.Python;

/// <summary>
/// Sends Python's <c>sys.stdout</c>, per thread, to the writer a host picks (the gateway: the
/// job whose task runs on that thread); threads without one keep the process's stdout.
/// </summary>
public static class PythonStdout
{
    private const string Proxy = """
        import sys

        class _RoutedStdout:
            # print() on a thread with a writer goes to it; elsewhere to the process's stdout.
            def __init__(self, original, route):
                self._original = original
                self._route = route

            def write(self, text):
                if self._route.write(text):
                    return len(text)
                return self._original.write(text)

            def flush(self):
                self._original.flush()

            def __getattr__(self, name):
                return getattr(self._original, name)

        sys.stdout = _RoutedStdout(sys.stdout, _route)
        """;

    /// <summary>From now on, text Python prints goes to <paramref name="writerOfThisThread"/>'s writer where it gives one.</summary>
    public static void Route(Func<TextWriter?> writerOfThisThread)
    {
        ArgumentNullException.ThrowIfNull(writerOfThisThread);
        using (Py.GIL())
        {
            using var scope = Py.CreateScope();
            using var route = new Router(writerOfThisThread).ToPython();
            scope.Set("_route", route);
            scope.Exec(Proxy);
        }
    }

    /// <summary>What the proxy calls (pythonnet releases the GIL around the call).</summary>
    public sealed class Router
    {
        private readonly Func<TextWriter?> _writerOfThisThread;

        internal Router(Func<TextWriter?> writerOfThisThread) => _writerOfThisThread = writerOfThisThread;

        /// <summary>Writes <paramref name="text"/> to this thread's writer; false when it has none.</summary>
        public bool write(string text)
        {
            if (_writerOfThisThread() is not { } writer)
                return false;
            writer.Write(text);
            return true;
        }
    }
}
