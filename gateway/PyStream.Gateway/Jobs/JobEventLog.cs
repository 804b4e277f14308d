using System.Text;
using PyStream.Gateway.Protocol;

namespace PyStream.Gateway.Jobs;

/// <summary>
/// What a job produced for its client, in order: printed text, collected result batches and
/// status changes, ending with its final status. Followers read it from the start. It keeps at
/// most <see cref="RetainedBytes"/>: past that the oldest events go, and a follower that had
/// not read them is told how many it missed.
/// </summary>
public sealed class JobEventLog
{
    public const long RetainedBytes = 64L * 1024 * 1024;

    private readonly List<JobEvent> _events = [];
    private readonly object _lock = new();
    private long _first; // the sequence number of _events[0]
    private long _bytes;
    private bool _ended;
    private TaskCompletionSource _appended = NewSignal();

    /// <summary>Adds an event; after the <paramref name="final"/> one (the job's last status) nothing more is kept.</summary>
    public void Append(JobEvent item, bool final = false)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_ended)
                return;
            _events.Add(item);
            _bytes += item.CalculateSize();
            while (_bytes > RetainedBytes && _events.Count > 1)
            {
                _bytes -= _events[0].CalculateSize();
                _events.RemoveAt(0);
                _first++;
            }

            _ended = final;
            signal = _appended;
            _appended = NewSignal();
        }

        signal.SetResult();
    }

    /// <summary>Every event from the start (or what is left of it) until the final status, waiting for new ones.</summary>
    public async IAsyncEnumerable<JobEvent> Follow([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        long next = 0;
        while (true)
        {
            List<JobEvent> batch;
            Task appended;
            long missed;
            bool ended;
            lock (_lock)
            {
                missed = Math.Max(0, _first - next);
                next = Math.Max(next, _first);
                batch = _events.GetRange((int)(next - _first), (int)(_first + _events.Count - next));
                next += batch.Count;
                ended = _ended;
                appended = _appended.Task;
            }

            if (missed > 0)
                yield return new JobEvent { ErrorOutput = $"pystream: {missed} earlier events of this job were dropped (the gateway keeps {RetainedBytes >> 20} MiB per job)\n" };
            foreach (var item in batch)
                yield return item;
            if (ended)
                yield break;
            await appended.WaitAsync(cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What the job printed so far (<paramref name="error"/>: its error output and the engine's
    /// messages, ending with why it failed, if it did), from what is retained; a first line says
    /// when older output was dropped. With <paramref name="tail"/>, only its last that many
    /// characters, after a line saying how many came before.
    /// </summary>
    public string Text(bool error, int? tail = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tail ?? 0);
        var pieces = new List<string>();
        long length = 0, before = 0;
        long dropped;
        lock (_lock)
        {
            dropped = _first;
            for (var i = _events.Count - 1; i >= 0; i--)
            {
                var piece = Piece(_events[i], error);
                if (tail is { } limit && length >= limit)
                {
                    before += piece.Length;
                    continue;
                }

                pieces.Add(piece);
                length += piece.Length;
            }
        }

        pieces.Reverse();
        var text = string.Concat(pieces);
        if (tail is { } last && text.Length > last)
        {
            before += text.Length - last;
            text = text[^last..];
        }

        var note = before > 0 ? $"pystream: {before} earlier characters are not shown\n"
            : dropped > 0 ? $"pystream: {dropped} earlier events of this job were dropped (the gateway keeps {RetainedBytes >> 20} MiB per job)\n"
            : "";
        return note + text;
    }

    private static string Piece(JobEvent item, bool error) =>
        !error ? item.Output
        : item.Failure is { } failure ? $"{item.ErrorOutput}pystream: the job failed: {failure.Message}\n{(failure.UserTraceback is { Length: > 0 } traceback ? traceback : failure.Detail)}"
        : item.ErrorOutput;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A writer whose text goes into the log as one event per write (a print sink writes a batch at a time).</summary>
    public TextWriter Writer(bool error, TextWriter? alsoTo = null) => new LogWriter(this, error, alsoTo);

    private sealed class LogWriter(JobEventLog log, bool error, TextWriter? alsoTo) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(string? value)
        {
            if (string.IsNullOrEmpty(value))
                return;
            log.Append(error ? new JobEvent { ErrorOutput = value } : new JobEvent { Output = value });
            alsoTo?.Write(value);
        }

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void WriteLine(string? value) => Write(value + CoreNewLine.AsSpan().ToString());
    }
}
