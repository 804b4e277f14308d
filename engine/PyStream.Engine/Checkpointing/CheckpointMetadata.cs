using System.Text.Json;
using System.Text.Json.Serialization;

namespace PyStream.Engine.Checkpointing;

/// <summary>
/// The <c>_metadata</c> file of a checkpoint or savepoint directory: which task wrote which
/// files, for which operators and key groups, with each file's size and SHA-256. The file
/// ends with a line <c>sha256 HEX</c> over everything before it, so truncation shows.
/// </summary>
public sealed class CheckpointMetadata
{
    public const string FileName = "_metadata";
    public const int CurrentVersion = 1;

    public int Version { get; set; } = CurrentVersion;

    public string JobName { get; set; } = "";

    public string JobId { get; set; } = "";

    public long CheckpointId { get; set; }

    public SnapshotKind Kind { get; set; }

    /// <summary>Unix milliseconds when the checkpoint was triggered.</summary>
    public long Timestamp { get; set; }

    public int MaxParallelism { get; set; }

    public List<TaskStateHandle> Tasks { get; set; } = [];

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Writes the metadata last and atomically: a directory without it is no checkpoint.</summary>
    public void WriteTo(string directory)
    {
        var body = JsonSerializer.Serialize(this, Json) + "\n";
        var text = body + "sha256 " + SnapshotFiles.Sha256(System.Text.Encoding.UTF8.GetBytes(body)) + "\n";
        var temporary = Path.Combine(directory, FileName + ".tmp");
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path.Combine(directory, FileName), overwrite: true);
    }

    /// <summary>Reads and checks a checkpoint directory's metadata and every file it names.</summary>
    public static CheckpointMetadata Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new CorruptCheckpointException(directory, "it has no _metadata file (not a checkpoint or savepoint, or one that never completed)");
        var text = File.ReadAllText(path);
        var cut = text.LastIndexOf("sha256 ", StringComparison.Ordinal);
        if (cut < 0 || !text.EndsWith('\n'))
            throw new CorruptCheckpointException(directory, "_metadata is truncated");
        var body = text[..cut];
        if (text[(cut + 7)..].Trim() != SnapshotFiles.Sha256(System.Text.Encoding.UTF8.GetBytes(body)))
            throw new CorruptCheckpointException(directory, "_metadata does not match its checksum");
        CheckpointMetadata metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<CheckpointMetadata>(body, Json) ?? throw new JsonException("empty");
        }
        catch (JsonException error)
        {
            throw new CorruptCheckpointException(directory, $"_metadata is not valid: {error.Message}");
        }

        if (metadata.Version != CurrentVersion)
            throw new CorruptCheckpointException(directory, $"format version {metadata.Version} is not supported (this engine reads version {CurrentVersion})");
        foreach (var file in metadata.Tasks.SelectMany(t => t.Files()))
            SnapshotFiles.Verify(directory, file);
        return metadata;
    }
}

/// <summary>What one subtask of one chain wrote.</summary>
public sealed class TaskStateHandle
{
    public string Chain { get; set; } = "";

    /// <summary>The chain's position in the job graph (chain names need not be unique).</summary>
    public int ChainIndex { get; set; }

    public int Subtask { get; set; }

    public int Parallelism { get; set; }

    public int KeyGroupStart { get; set; }

    /// <summary>Exclusive.</summary>
    public int KeyGroupEnd { get; set; }

    /// <summary>State keys (uid, else transformation id) of the chain's operators.</summary>
    public List<string> Operators { get; set; } = [];

    /// <summary>Operators that have state in this snapshot (C# state or keyed state).</summary>
    public List<string> StatefulOperators { get; set; } = [];

    /// <summary>Its keyed state includes broadcast state (which every new subtask copies).</summary>
    public bool HasBroadcastState { get; set; }

    /// <summary>C# operator state: timers, window metadata, source positions, sink transactions.</summary>
    public FileRef? OperatorState { get; set; }

    /// <summary>Keyed state as entries, the canonical format (heap checkpoints, every savepoint).</summary>
    public FileRef? KeyedState { get; set; }

    /// <summary>Keyed state as a RocksDB checkpoint (incremental): its files, shared ones outside the checkpoint directory.</summary>
    public IncrementalStateHandle? Incremental { get; set; }

    internal TaskStateHandle Clone() => (TaskStateHandle)MemberwiseClone();

    /// <summary>The handle as it stands in <c>_metadata</c>: how a worker sends it to the coordinator.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, CheckpointMetadata.Json);

    /// <summary>A handle a worker sent; a text that is no handle is <see cref="PyStreamException"/>.</summary>
    public static TaskStateHandle FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<TaskStateHandle>(json, CheckpointMetadata.Json) ?? throw new JsonException("empty");
        }
        catch (JsonException error)
        {
            throw new PyStreamException($"a task's checkpoint handle is not valid: {error.Message}", error);
        }
    }

    public IEnumerable<FileRef> Files()
    {
        if (OperatorState is not null)
            yield return OperatorState;
        if (KeyedState is not null)
            yield return KeyedState;
        if (Incremental is not null)
        {
            foreach (var file in Incremental.Files)
                yield return file;
        }
    }
}

public sealed class IncrementalStateHandle
{
    public List<string> StateIds { get; set; } = [];

    public List<FileRef> Files { get; set; } = [];
}

/// <summary>A file relative to the checkpoint directory (shared files start with <c>../shared/</c>).</summary>
public sealed record FileRef(string Path, long Size, string Sha256);

public sealed class CorruptCheckpointException(string directory, string reason)
    : PyStreamException($"checkpoint '{directory}' cannot be restored: {reason}")
{
    public string Directory { get; } = directory;
}
