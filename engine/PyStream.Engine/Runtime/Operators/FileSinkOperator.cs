using System.Globalization;
using PyStream.Engine.Checkpointing;
using PyStream.Engine.Records;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// Row-format file sink. Writes hidden in-progress part files in date-time buckets
/// (<c>yyyy-MM-dd--HH</c>, local time) and rolls them by size, age and inactivity (or at
/// every checkpoint, with Flink's OnCheckpointRollingPolicy). With checkpointing, a rolled
/// part file is pending: it is renamed to its finished name only when a checkpoint that
/// covers it completes (or the job finishes). An open part file stays open across
/// checkpoints; each checkpoint records its length. A restore commits the pending files of
/// the checkpoint it starts from, cuts open ones back to their recorded length and commits
/// them, and deletes this sink's other in-progress files. Without checkpointing, a roll or
/// the end of input commits directly.
/// </summary>
public sealed class FileSinkOperator : StreamOperator
{
    private readonly FileSinkOptions _options;
    private readonly int _subtask;
    private readonly Dictionary<string, PartFile> _open = new(StringComparer.Ordinal);
    private readonly List<PendingFile> _closed = [];
    private readonly Committables<PendingFile> _pending = new();
    private string _writerId = "";
    private int _partCounter;

    public FileSinkOperator(string name, int inputCount, FileSinkOptions options, int subtask)
        : base(name, inputCount, portCount: 0)
    {
        _options = options;
        _subtask = subtask;
    }

    private string Prefix => _options.PartPrefix;

    /// <summary>
    /// Part files are named <c>{prefix}-{writer id}-{subtask}-{counter}</c>; the writer id is a
    /// GUID whose first group is this sink's own (a hash of its state key) and whose rest is
    /// the run's. A restore can so tell this sink's files from earlier runs from everything else.
    /// </summary>
    public override void Open(TaskContext context)
    {
        base.Open(context);
        _writerId = SinkToken + context.AttemptId[8..];
    }

    private string SinkToken => ((uint)Keys.KeyGroups.Murmur3(System.Text.Encoding.UTF8.GetBytes(StateKey))).ToString("x8", CultureInfo.InvariantCulture);

    public override void ProcessBatch(int input, Batch batch)
    {
        if (batch is not BytesBatch encoded)
            throw new PyStreamException($"file sink '{Name}' expects encoded records, got {batch.GetType().Name}");
        var now = Context.Time.GetLocalNow();
        // The batch's own bucket (a SQL table's partition), else the DataStream FileSink's default
        // bucket assigner: a directory per hour. Unpartitioned SQL tables write into the path itself.
        var bucket = encoded.Bucket ?? (_options.HourlyBuckets ? now.ToString("yyyy-MM-dd--HH", CultureInfo.InvariantCulture) : "");
        var nowMillis = now.ToUnixTimeMilliseconds();
        if (_open.TryGetValue(bucket, out var part) && ShouldRoll(part, nowMillis))
        {
            Roll(part);
            _open.Remove(bucket);
            part = null;
        }

        if (part is null)
        {
            var directory = Path.Combine(_options.BasePath, bucket);
            Directory.CreateDirectory(directory);
            part = new PartFile(directory, $"{Prefix}-{_writerId}-{_subtask}-{_partCounter++}{_options.PartSuffix}", nowMillis);
            _open.Add(bucket, part);
        }

        part.Write(encoded.Data, nowMillis);
    }

    private bool ShouldRoll(PartFile part, long now) =>
        (_options.PartSize > 0 && part.Length >= _options.PartSize)
        || (_options.RolloverIntervalMs > 0 && now - part.Created >= _options.RolloverIntervalMs)
        || (_options.InactivityIntervalMs > 0 && now - part.LastWrite >= _options.InactivityIntervalMs);

    /// <summary>Closes a part file: committed now without checkpointing, pending until the next checkpoint completes with it.</summary>
    private void Roll(PartFile part)
    {
        var closed = part.Close();
        if (Context.CheckpointingEnabled)
            _closed.Add(closed);
        else
            closed.Commit();
    }

    private void RollAll()
    {
        foreach (var part in _open.Values)
            Roll(part);
        _open.Clear();
    }

    /// <summary>
    /// Pre-commit: files rolled since the last barrier belong to this checkpoint; open files
    /// are flushed to disk and their lengths recorded (or closed, rolling on checkpoints).
    /// </summary>
    public override void SnapshotState(CheckpointBarrier barrier, IDictionary<string, byte[]> states)
    {
        if (_options.RollOnCheckpoint)
            RollAll();
        _pending.Add(barrier.Id, _closed);
        _closed.Clear();
        var open = _open.Values.Select(p => (File: p.File, Length: p.Persist())).ToList();
        states[StateKey] = StateBlobs.Serialize(writer =>
        {
            writer.Write(_pending.Count);
            foreach (var (checkpoint, file) in _pending.All)
            {
                writer.Write(checkpoint);
                writer.Write(file.InProgress);
                writer.Write(file.Final);
            }

            writer.Write(open.Count);
            foreach (var (file, length) in open)
            {
                writer.Write(file.InProgress);
                writer.Write(file.Final);
                writer.Write(length);
            }
        });
    }

    public override void NotifyCheckpointComplete(long checkpointId)
    {
        foreach (var file in _pending.TakeUpTo(checkpointId))
            file.Commit();
    }

    /// <summary>
    /// Commits the pending files of old subtasks mapped to this one (old subtask i goes to new
    /// subtask i mod parallelism); subtask 0 deletes this sink's in-progress files that earlier
    /// runs wrote after the checkpoint (their records will be written again).
    /// </summary>
    public override void RestoreState(TaskRestore restore)
    {
        var blobs = restore.OperatorState(StateKey);
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var blob in blobs)
        {
            using var reader = StateBlobs.Reader(blob.Data);
            var mine = blob.Subtask % restore.Parallelism == restore.Subtask;
            for (var i = reader.ReadInt32(); i > 0; i--)
            {
                reader.ReadInt64();
                var file = new PendingFile(reader.ReadString(), reader.ReadString());
                keep.Add(file.InProgress);
                if (mine)
                    file.Commit();
            }

            for (var i = reader.ReadInt32(); i > 0; i--)
            {
                var file = new PendingFile(reader.ReadString(), reader.ReadString());
                var length = reader.ReadInt64();
                keep.Add(file.InProgress);
                if (mine)
                    file.CommitTruncated(length);
            }
        }

        if (restore.Subtask == 0 && Directory.Exists(_options.BasePath))
        {
            foreach (var bucket in Directory.EnumerateDirectories(_options.BasePath))
            {
                foreach (var orphan in Directory.EnumerateFiles(bucket, $".{Prefix}-{SinkToken}-*.inprogress.*"))
                {
                    if (!keep.Contains(orphan) && !Path.GetFileName(orphan).Contains(_writerId, StringComparison.Ordinal))
                        File.Delete(orphan);
                }
            }
        }
    }

    /// <summary>
    /// End of input: without checkpointing commit now. With it, what is left stays pending in
    /// the task's final state (a restore commits it) and is committed once a checkpoint that
    /// includes that state completes, or the whole job has finished.
    /// </summary>
    protected override void Finish()
    {
        RollAll();
        if (Context.CheckpointingEnabled)
        {
            _pending.Add(long.MaxValue, _closed);
            _closed.Clear();
            var last = _pending.Items.ToList();
            Context.OnJobFinished(() =>
            {
                foreach (var file in last)
                    file.Commit();
            });
        }

        base.Finish();
    }

    public override void Close()
    {
        foreach (var part in _open.Values)
            part.Abandon();
        _open.Clear();
    }

    /// <summary>A closed part file waiting for its commit: renaming it is idempotent, so a restore may repeat it.</summary>
    private sealed record PendingFile(string InProgress, string Final)
    {
        /// <summary>Commits a file that was open at the checkpoint: what was written after it is cut off first.</summary>
        public void CommitTruncated(long length)
        {
            if (File.Exists(InProgress))
            {
                using (var stream = new FileStream(InProgress, FileMode.Open, FileAccess.Write))
                {
                    if (stream.Length < length)
                        throw new PyStreamException($"file sink: part file '{InProgress}' has {stream.Length} bytes, the checkpoint recorded {length}");
                    stream.SetLength(length);
                    stream.Flush(flushToDisk: true);
                }
            }

            Commit();
        }

        public void Commit()
        {
            if (File.Exists(InProgress))
                File.Move(InProgress, Final);
            else if (!File.Exists(Final))
                throw new PyStreamException($"file sink: pending part file '{InProgress}' is gone; its records cannot be committed");
        }
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

        public PendingFile File => new(_inProgress, _final);

        /// <summary>Flushes what was written to disk; returns the length a restore keeps.</summary>
        public long Persist()
        {
            _stream.Flush(flushToDisk: true);
            return _stream.Length;
        }

        public void Write(byte[] data, long now)
        {
            _stream.Write(data);
            LastWrite = now;
        }

        /// <summary>Flushes the file to disk and closes it; it stays hidden until committed.</summary>
        public PendingFile Close()
        {
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            return new PendingFile(_inProgress, _final);
        }

        /// <summary>The job failed: the in-progress file stays hidden and is never committed.</summary>
        public void Abandon() => _stream.Dispose();
    }
}

/// <summary>Where a file sink writes and when it rolls its part files (Flink's <c>FileSink</c> row format).</summary>
/// <param name="PartSize">A part file closes past this many bytes; 0: no bound.</param>
/// <param name="RolloverIntervalMs">… past this age; 0: no bound.</param>
/// <param name="InactivityIntervalMs">… after this long without writes; 0: no bound.</param>
/// <param name="RollOnCheckpoint">Every checkpoint closes the part files (else a restore truncates them to the checkpoint's length).</param>
public sealed record FileSinkOptions(
    string BasePath,
    string PartPrefix = "part",
    string PartSuffix = "",
    long PartSize = 0,
    long RolloverIntervalMs = 0,
    long InactivityIntervalMs = 0,
    bool RollOnCheckpoint = false,
    bool HourlyBuckets = true);
