using System.Text;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>Reads lines of the files assigned to this subtask (file i goes to subtask i mod parallelism).</summary>
public sealed class TextFileSourceOperator : SourceOperator
{
    private readonly Queue<string> _files;
    private StreamReader? _reader;

    public TextFileSourceOperator(string name, IEnumerable<string> paths, int subtask, int parallelism) : base(name)
    {
        var files = ListFiles(paths);
        _files = new Queue<string>(files.Where((_, i) => i % parallelism == subtask));
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
