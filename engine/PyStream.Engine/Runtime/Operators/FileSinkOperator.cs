using System.Globalization;
using PyStream.Engine.Spec;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// Row-format file sink. Writes hidden in-progress part files in date-time buckets
/// (<c>yyyy-MM-dd--HH</c>, local time), rolls them by size, age and inactivity, and
/// renames them to finished part files when they roll or input ends. Until checkpointing
/// exists, that is the only commit point, in both runtime modes.
/// </summary>
public sealed class FileSinkOperator : StreamOperator
{
    private readonly FileSink _spec;
    private readonly int _subtask;
    private readonly string _writerId = Guid.NewGuid().ToString();
    private readonly Dictionary<string, PartFile> _open = new(StringComparer.Ordinal);
    private int _partCounter;

    public FileSinkOperator(string name, int inputCount, FileSink spec, int subtask)
        : base(name, inputCount, portCount: 0)
    {
        _spec = spec;
        _subtask = subtask;
    }

    public override void ProcessBatch(int input, Batch batch)
    {
        if (batch is not BytesBatch encoded)
            throw new PyStreamException($"file sink '{Name}' expects encoded records, got {batch.GetType().Name}");
        var now = Context.Time.GetLocalNow();
        var bucket = now.ToString("yyyy-MM-dd--HH", CultureInfo.InvariantCulture);
        var nowMillis = now.ToUnixTimeMilliseconds();
        if (_open.TryGetValue(bucket, out var part) && ShouldRoll(part, nowMillis))
        {
            part.Commit();
            _open.Remove(bucket);
            part = null;
        }

        if (part is null)
        {
            var directory = Path.Combine(_spec.BasePath, bucket);
            Directory.CreateDirectory(directory);
            var prefix = _spec.PartPrefix.Length > 0 ? _spec.PartPrefix : "part";
            part = new PartFile(directory, $"{prefix}-{_writerId}-{_subtask}-{_partCounter++}{_spec.PartSuffix}", nowMillis);
            _open.Add(bucket, part);
        }

        part.Write(encoded.Data, nowMillis);
    }

    private bool ShouldRoll(PartFile part, long now) =>
        (_spec.PartSize > 0 && part.Length >= _spec.PartSize)
        || (_spec.RolloverIntervalMs > 0 && now - part.Created >= _spec.RolloverIntervalMs)
        || (_spec.InactivityIntervalMs > 0 && now - part.LastWrite >= _spec.InactivityIntervalMs);

    protected override void Finish()
    {
        foreach (var part in _open.Values)
            part.Commit();
        _open.Clear();
        base.Finish();
    }

    public override void Close()
    {
        foreach (var part in _open.Values)
            part.Abandon();
        _open.Clear();
    }

    /// <summary>One part file: written under a hidden in-progress name, renamed when committed.</summary>
    private sealed class PartFile
    {
        private readonly FileStream _stream;
        private readonly string _inProgress;
        private readonly string _final;

        public PartFile(string directory, string name, long now)
        {
            _final = Path.Combine(directory, name);
            _inProgress = Path.Combine(directory, $".{name}.inprogress.{Guid.NewGuid()}");
            _stream = new FileStream(_inProgress, FileMode.CreateNew, FileAccess.Write);
            Created = now;
            LastWrite = now;
        }

        public long Created { get; }

        public long LastWrite { get; private set; }

        public long Length => _stream.Length;

        public void Write(byte[] data, long now)
        {
            _stream.Write(data);
            LastWrite = now;
        }

        public void Commit()
        {
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            File.Move(_inProgress, _final);
        }

        /// <summary>The job failed: the in-progress file stays hidden and is never committed.</summary>
        public void Abandon() => _stream.Dispose();
    }
}
