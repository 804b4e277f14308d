namespace PyStream.Engine.Keys;

/// <summary>Key groups <c>[Start, End)</c>: what one subtask owns, as Flink's <c>KeyGroupRangeAssignment</c> computes it.</summary>
public readonly record struct KeyGroupRange(int Start, int End)
{
    public static KeyGroupRange Of(int maxParallelism, int parallelism, int subtask) =>
        new(((subtask * maxParallelism) + parallelism - 1) / parallelism, (((subtask + 1) * maxParallelism) - 1) / parallelism + 1);

    public bool Contains(int keyGroup) => keyGroup >= Start && keyGroup < End;

    public bool Intersects(KeyGroupRange other) => Start < other.End && other.Start < End;
}
