using System.Text;
using System.Threading.Channels;
using PyStream.Cluster.Protocol;

namespace PyStream.Worker;

/// <summary>
/// A share's print output, sent to the coordinator a line at a time (the rest on <see cref="Flush"/>), so the
/// job's client reads it as from a single-process run. Print sinks of several subtasks write from their
/// own threads; each line goes out whole.
/// </summary>
internal sealed class ShareOutputWriter(string attemptId, bool stderr, ChannelWriter<WorkerReport> reports) : TextWriter
{
    private readonly StringBuilder _pending = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_pending)
        {
            _pending.Append(value);
            if (value == '\n')
                SendPending();
        }
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return;
        lock (_pending)
        {
            _pending.Append(value);
            if (value.Contains('\n', StringComparison.Ordinal))
                SendPending();
        }
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Flush()
    {
        lock (_pending)
            SendPending();
    }

    private void SendPending()
    {
        if (_pending.Length == 0)
            return;
        reports.TryWrite(new WorkerReport { Output = new ShareOutput { AttemptId = attemptId, Stderr = stderr, Text = _pending.ToString() } });
        _pending.Clear();
    }
}
