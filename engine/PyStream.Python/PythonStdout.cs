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
                self._route.flush()
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

    /// <summary>
    /// What the proxy calls (pythonnet releases the GIL around the call). Text goes on in whole
    /// lines: <c>print</c> writes its pieces one by one, and the tasks of a job print at once.
    /// </summary>
    public sealed class Router
    {
        [ThreadStatic]
        private static System.Text.StringBuilder? _partLine;

        private readonly Func<TextWriter?> _writerOfThisThread;

        internal Router(Func<TextWriter?> writerOfThisThread) => _writerOfThisThread = writerOfThisThread;

        /// <summary>Writes <paramref name="text"/> to this thread's writer, up to its last line end; false when the thread has no writer.</summary>
        public bool write(string text)
        {
            if (_writerOfThisThread() is not { } writer)
                return false;
            var pending = _partLine ??= new System.Text.StringBuilder();
            var end = text.LastIndexOf('\n');
            if (end < 0)
            {
                pending.Append(text);
                return true;
            }

            writer.Write(pending.Append(text, 0, end + 1).ToString());
            pending.Clear().Append(text, end + 1, text.Length - end - 1);
            return true;
        }

        /// <summary>Writes what this thread holds of an unfinished line.</summary>
        public void flush()
        {
            if (_partLine is not { Length: > 0 } pending || _writerOfThisThread() is not { } writer)
                return;
            writer.Write(pending.ToString());
            pending.Clear();
        }
    }
}
