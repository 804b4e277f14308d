using System.Text;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// Reads lines of the files assigned to this subtask (file i goes to subtask i mod parallelism).
/// Partitioned: directories are walked recursively and a batch holds one file's lines, marked
/// with the file's directory relative to its base path (<see cref="Batch.Bucket"/>).
/// </summary>
public sealed class TextFileSourceOperator : SourceOperator
{
    private readonly IReadOnlyList<string> _paths;
    private readonly int _subtask;
    private readonly int _parallelism;
    // Files still to read, each with how many of its lines were read before a restore.
    private Queue<(string Path, long Skip)> _files = new();
    private StreamReader? _reader;
    private string _current = "";
    private long _linesRead;
    private readonly bool _partitioned;

    public TextFileSourceOperator(string name, IReadOnlyList<string> paths, int subtask, int parallelism, bool partitioned = false) : base(name)
    {
        _paths = paths;
        _subtask = subtask;
        _parallelism = parallelism;
        _partitioned = partitioned;
    }

    /// <summary>Lists the files when the task starts, so a missing file fails the job, as in Flink.</summary>
    public override void Open(TaskContext context)
    {
        base.Open(context);
        _files = new Queue<(string, long)>(ListFiles(_paths, _partitioned).Where((_, i) => i % _parallelism == _subtask).Select(f => (f, 0L)));
    }

    /// <summary>Expands directories (recursively when <paramref name="recursive"/>; hidden files and directories skipped) and checks that every path exists.</summary>
    public static List<string> ListFiles(IEnumerable<string> paths, bool recursive = false)
    {
        static bool Visible(string path) => !Path.GetFileName(path).StartsWith('.') && !Path.GetFileName(path).StartsWith('_');
        static IEnumerable<string> Walk(string directory, bool recursive) =>
            Directory.GetFiles(directory).Where(Visible).Order(StringComparer.Ordinal)
                .Concat(recursive ? Directory.GetDirectories(directory).Where(Visible).Order(StringComparer.Ordinal).SelectMany(d => Walk(d, recursive)) : []);

        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Walk(path, recursive));
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
        var size = NextBatchSize(BatchSize);
        while (lines.Count < size)
        {
            if (_reader is null)
            {
                // A partitioned read keeps one file per batch: the batch names the file's directory.
                if ((_partitioned && lines.Count > 0) || !_files.TryDequeue(out var file))
                    break;
                OpenFile(file.Path, file.Skip);
            }

            var line = _reader!.ReadLine();
            if (line is null)
            {
                _reader.Dispose();
                _reader = null;
                continue;
            }

            lines.Add(line);
            _linesRead++;
        }

        if (lines.Count > 0)
            Emit(0, new TextBatch([.. lines]) { Bucket = _partitioned ? BucketOf(_current) : null });
        return _reader is not null || _files.Count > 0;
    }

    /// <summary>The file's directory relative to the base path it was found under ("" for the base itself).</summary>
    private string BucketOf(string file)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(file)) ?? "";
        foreach (var path in _paths)
        {
            var relative = Path.GetRelativePath(Path.GetFullPath(path), directory);
            if (relative == ".")
                return "";
            if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
                return relative.Replace(Path.DirectorySeparatorChar, '/');
        }

        return "";
    }

    private void OpenFile(string path, long skip)
    {
        if (!File.Exists(path))
            throw new PyStreamException($"file source: '{path}' does not exist (it was there when the checkpoint was taken)");
        _reader = new StreamReader(path, Encoding.UTF8);
        _current = path;
        _linesRead = 0;
        while (_linesRead < skip && _reader.ReadLine() is not null)
            _linesRead++;
    }

    /// <summary>The file being read with its line position, then the files not yet opened.</summary>
    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        var splits = (_reader is null ? [] : new[] { (_current, _linesRead) }).Concat(_files).ToList();
        states[StateKey] = SourceSplits.Write(splits, (w, s) =>
        {
            w.Write(s.Item1);
            w.Write(s.Item2);
        });
    }

    public override void RestoreState(TaskRestore restore)
    {
        if (SourceSplits.Assign(restore, StateKey, r => (r.ReadString(), r.ReadInt64())) is not { } splits)
            return;
        _files = new Queue<(string, long)>(splits);
    }

    public override void Close() => _reader?.Dispose();
}
