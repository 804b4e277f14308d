using PyStream.Engine.Checkpointing;

namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// Sources snapshot what they have left as a list of splits (ranges, files with positions).
/// On restore every old subtask's splits are numbered in order and split j goes to new
/// subtask j mod parallelism: the same subtask at the same parallelism, spread out otherwise.
/// </summary>
public static class SourceSplits
{
    public static byte[] Write<T>(IReadOnlyCollection<T> splits, Action<BinaryWriter, T> write) =>
        StateBlobs.Serialize(writer =>
        {
            writer.Write(splits.Count);
            foreach (var split in splits)
                write(writer, split);
        });

    /// <summary>This subtask's splits, or null when the checkpoint has none for the source (a new operator: start afresh).</summary>
    public static List<T>? Assign<T>(TaskRestore restore, string stateKey, Func<BinaryReader, T> read) =>
        ReadAll(restore, stateKey, read)?.Where((_, j) => j % restore.Parallelism == restore.Subtask).ToList();

    /// <summary>Every old subtask's splits in order, or null when the checkpoint has none for the source; for sources that assign splits themselves.</summary>
    public static List<T>? ReadAll<T>(TaskRestore restore, string stateKey, Func<BinaryReader, T> read)
    {
        var blobs = restore.OperatorState(stateKey);
        if (blobs.Count == 0)
            return null;
        return blobs.SelectMany(b => StateBlobs.Deserialize(b.Data, reader =>
        {
            var splits = new List<T>();
            for (var i = reader.ReadInt32(); i > 0; i--)
                splits.Add(read(reader));
            return splits;
        })).ToList();
    }
}
