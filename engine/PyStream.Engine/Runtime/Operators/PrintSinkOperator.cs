using System.Globalization;
using System.Text;
using PyStream.Engine.Records;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>Prints records, prefixed as Flink's PrintSink does: <c>ident:N&gt; </c>, <c>N&gt; </c> or <c>ident&gt; </c>.</summary>
public sealed class PrintSinkOperator : StreamOperator
{
    private readonly string _prefix;
    private readonly bool _toStderr;

    public PrintSinkOperator(string name, int inputCount, string identifier, bool toStderr, int subtask, int parallelism)
        : base(name, inputCount, portCount: 0)
    {
        _toStderr = toStderr;
        _prefix = parallelism > 1
            ? (identifier.Length > 0 ? $"{identifier}:{subtask + 1}> " : $"{subtask + 1}> ")
            : (identifier.Length > 0 ? $"{identifier}> " : "");
    }

    public override void ProcessBatch(int input, Batch batch)
    {
        if (batch.Count == 0)
            return;
        var text = new StringBuilder();
        switch (batch)
        {
            case TextBatch lines when _prefix.Length == 0:
                text.Append(lines.Joined).Append('\n');
                break;
            case TextBatch lines:
                foreach (var line in lines.Lines)
                    text.Append(_prefix).Append(line).Append('\n');
                break;
            case LongRangeBatch range:
                for (var i = 0; i < range.Count; i++)
                    text.Append(_prefix).Append(range[i].ToString(CultureInfo.InvariantCulture)).Append('\n');
                break;
            default:
                throw new PyStreamException($"print sink '{Name}' cannot print a {batch.GetType().Name}");
        }

        var writer = _toStderr ? Context.Environment.Stderr : Context.Environment.Stdout;
        lock (writer)
            writer.Write(text.ToString());
    }
}
