namespace PyStream.Engine.Records;

/// <summary>What a row says about its table (Flink's RowKind): printed <c>+I</c>, <c>-U</c>, <c>+U</c>, <c>-D</c>.</summary>
public enum RowKind : byte
{
    Insert = 0,
    UpdateBefore = 1,
    UpdateAfter = 2,
    Delete = 3,
}

public static class RowKinds
{
    public static string ShortString(this RowKind kind) => kind switch
    {
        RowKind.Insert => "+I",
        RowKind.UpdateBefore => "-U",
        RowKind.UpdateAfter => "+U",
        RowKind.Delete => "-D",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Insert and update-after add a row to the table; update-before and delete take one away.</summary>
    public static bool IsAccumulate(this RowKind kind) => kind is RowKind.Insert or RowKind.UpdateAfter;
}
