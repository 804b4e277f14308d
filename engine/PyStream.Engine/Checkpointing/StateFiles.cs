using PyStream.Engine.State;

namespace PyStream.Engine.Checkpointing;

/// <summary>One keyed state entry as snapshots carry it; <see cref="KeyGroup"/> is -1 for broadcast state.</summary>
public readonly record struct StateEntry(string StateId, int KeyGroup, byte[] Key, byte[] Value);

/// <summary>
/// The canonical keyed state format: per state id, its entries with their key groups. Heap
/// checkpoints and every savepoint use it; any backend restores from it at any parallelism.
/// </summary>
public static class KeyedStateFile
{
    private const int Magic = 0x564B5350; // "PSKV"
    private const byte EntryMarker = 1, EndOfState = 0;

    /// <summary>Writes the store's entries; with <paramref name="ttls"/>, what expired at <paramref name="now"/> is left out where full-snapshot cleanup is on.</summary>
    public static FileRef Write(string directory, string name, IKeyedStateStore store, int maxParallelism, StateTtls? ttls = null, long now = 0) =>
        SnapshotFiles.Write(directory, name, writer =>
        {
            writer.Write(Magic);
            var stateIds = store.StateIds.Order(StringComparer.Ordinal).ToList();
            writer.Write(stateIds.Count);
            foreach (var stateId in stateIds)
            {
                writer.Write(stateId);
                foreach (var (key, stored) in store.Entries(stateId))
                {
                    if ((ttls is null ? stored : ttls.ForSnapshot(stateId, stored, now)) is not { } value)
                        continue;
                    writer.Write(EntryMarker);
                    writer.Write(StateKeys.KeyGroupOf(stateId, key, maxParallelism));
                    writer.Write(key.Length);
                    writer.Write(key);
                    writer.Write(value.Length);
                    writer.Write(value);
                }

                writer.Write(EndOfState);
            }
        });

    public static IEnumerable<StateEntry> Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadInt32() != Magic)
            throw new CorruptCheckpointException(Path.GetDirectoryName(path)!, $"'{Path.GetFileName(path)}' is not a keyed state file");
        var states = reader.ReadInt32();
        for (var s = 0; s < states; s++)
        {
            var stateId = reader.ReadString();
            while (reader.ReadByte() == EntryMarker)
            {
                var keyGroup = reader.ReadInt32();
                var key = reader.ReadBytes(reader.ReadInt32());
                var value = reader.ReadBytes(reader.ReadInt32());
                yield return new StateEntry(stateId, keyGroup, key, value);
            }
        }
    }
}

/// <summary>C# operator state of one task: a blob per operator state key.</summary>
public static class OperatorStateFile
{
    private const int Magic = 0x504F5350; // "PSOP"

    public static FileRef Write(string directory, string name, IReadOnlyDictionary<string, byte[]> states) =>
        SnapshotFiles.Write(directory, name, writer =>
        {
            writer.Write(Magic);
            writer.Write(states.Count);
            foreach (var (key, data) in states)
            {
                writer.Write(key);
                writer.Write(data.Length);
                writer.Write(data);
            }
        });

    public static Dictionary<string, byte[]> Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadInt32() != Magic)
            throw new CorruptCheckpointException(Path.GetDirectoryName(path)!, $"'{Path.GetFileName(path)}' is not an operator state file");
        var states = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            states[key] = reader.ReadBytes(reader.ReadInt32());
        }

        return states;
    }
}
