using System.Text;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>Reads lines of the files assigned to this subtask (file i goes to subtask i mod parallelism).</summary>
public sealed class TextFileSourceOperator : SourceOperator
{
    private readonly IReadOnlyList<string> _paths;
    private readonly int _subtask;
    private readonly int _parallelism;
    private Queue<string> _files = new();
    private StreamReader? _reader;

    public TextFileSourceOperator(string name, IReadOnlyList<string> paths, int subtask, int parallelism) : base(name)
    {
        _paths = paths;
        _subtask = subtask;
        _parallelism = parallelism;
    }

    /// <summary>Lists the files when the task starts, so a missing file fails the job, as in Flink.</summary>
    public override void Open(TaskContext context)
    {
        base.Open(context);
        _files = new Queue<string>(ListFiles(_paths).Where((_, i) => i % _parallelism == _subtask));
    }

    /// <summary>Expands directories (non-recursively, hidden files skipped) and checks that every path exists.</summary>
    public static List<string> ListFiles(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.GetFiles(path)
                    .Where(f => !Path.GetFileName(f).StartsWith('.') && !Path.GetFileName(f).StartsWith('_'))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new PyStreamException($"file source: '{path}' does not exist");
            }
        }

        return files;
    }

    public override bool EmitNext()
    {
        var lines = new List<string>();
        while (lines.Count < BatchSize)
        {
            if (_reader is null)
            {
                if (!_files.TryDequeue(out var file))
                    break;
                _reader = new StreamReader(file, Encoding.UTF8);
            }

            var line = _reader.ReadLine();
            if (line is null)
            {
                _reader.Dispose();
                _reader = null;
                continue;
            }

            lines.Add(line);
        }

        if (lines.Count > 0)
            Emit(0, new TextBatch([.. lines]));
        return _reader is not null || _files.Count > 0;
    }

    public override void Close() => _reader?.Dispose();
}
