using System.Runtime.InteropServices;
using PyStream.Python;

namespace PyStream.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM while a script runs: the first cancels the running jobs (or, when
/// asked, stops each with a savepoint), so the script's <c>execute()</c> returns and the host
/// exits once they have stopped; a second one exits at once. Each says what it does on stderr.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private static readonly TimeSpan CancelBound = TimeSpan.FromSeconds(30);

    private readonly EmbeddedEngine _engine;
    private readonly string? _savepointDirectory;
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;
    private Task? _cancelling;

    /// <param name="savepointDirectory">Where the first signal takes a savepoint of each running job before it stops; null: jobs are cancelled.</param>
    public Interrupts(EmbeddedEngine engine, string? savepointDirectory = null)
    {
        _engine = engine;
        _savepointDirectory = savepointDirectory;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>The exit code for the signal that stopped the script (128 + its number, as shells report it), or null.</summary>
    public int? ExitCode { get; private set; }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the host decides when to exit
        var name = context.Signal == PosixSignal.SIGINT ? "Ctrl-C" : "SIGTERM";
        if (Interlocked.Increment(ref _received) > 1)
        {
            Console.Error.WriteLine($"pystream: {name} again: exiting at once, without waiting for the jobs to stop");
            Console.Error.Flush();
            ExitNow(ExitCode ?? 130);
            return;
        }

        ExitCode = context.Signal == PosixSignal.SIGINT ? 130 : 143;
        var what = _savepointDirectory is null ? "cancelling the running jobs" : $"stopping the running jobs with a savepoint in {_savepointDirectory}";
        Console.Error.WriteLine($"pystream: {name}: {what} (press Ctrl-C again to exit at once)");
        _cancelling = Task.Run(() =>
        {
            try
            {
                if (_savepointDirectory is not null)
                {
                    foreach (var said in _engine.StopRunningWithSavepoint(_savepointDirectory, CancelBound))
                        Console.Error.WriteLine($"pystream: {said}");
                }

                _engine.CancelRunning(CancelBound);
                Console.Error.WriteLine("pystream: the jobs are cancelled");
            }
            catch (PyStreamPythonException error)
            {
                Console.Error.WriteLine($"pystream: {error.Message}; exiting");
                ExitNow(ExitCode.Value);
            }
        });
    }

    /// <summary>After the script: a cancel under way says how it ended before the host exits.</summary>
    public void Dispose()
    {
        _cancelling?.Wait(CancelBound);
        foreach (var registration in _registrations)
            registration.Dispose();
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void ExitNow(int code);
}
