using PyStream.Engine.Checkpointing;
using PyStream.Engine.Keys;

namespace PyStream.Engine.Tests.Checkpointing;

/// <summary>Writes real checkpoint directories of operator state, as tasks would, for restore tests.</summary>
internal static class TestCheckpoints
{
    public const int MaxParallelism = 128;

    /// <summary>One old subtask's operator states, by state key.</summary>
    public sealed record OldSubtask(int Subtask, int Parallelism, IReadOnlyDictionary<string, byte[]> States);

    public static string Write(string directory, long id, params OldSubtask[] subtasks)
    {
        Directory.CreateDirectory(directory);
        var metadata = new CheckpointMetadata { JobName = "test", JobId = "0123456789", CheckpointId = id, MaxParallelism = MaxParallelism };
        foreach (var old in subtasks)
        {
            var range = KeyGroupRange.Of(MaxParallelism, old.Parallelism, old.Subtask);
            metadata.Tasks.Add(new TaskStateHandle
            {
                Chain = "chain",
                Subtask = old.Subtask,
                Parallelism = old.Parallelism,
                KeyGroupStart = range.Start,
                KeyGroupEnd = range.End,
                Operators = [.. old.States.Keys],
                StatefulOperators = [.. old.States.Keys],
                OperatorState = OperatorStateFile.Write(directory, $"task-0-{old.Subtask}.op", old.States),
            });
        }

        metadata.WriteTo(directory);
        return directory;
    }

    public static TaskRestore Restore(string directory, IReadOnlyList<string> operatorKeys, int subtask, int parallelism) =>
        RestoredCheckpoint.Load(directory).ForTask(operatorKeys, subtask, parallelism, MaxParallelism);
}
