namespace PyStream.Sql.Ast;

/// <summary>
/// The root of the immutable syntax tree. Every node remembers where it started in the text, but
/// the position is an annotation, not part of the node's value: two trees that say the same thing
/// are equal wherever they were written, which is what the round-trip tests compare.
/// </summary>
public abstract record SqlNode
{
    public SourcePosition Position { get; init; }

    public virtual bool Equals(SqlNode? other) => other is not null && EqualityContract == other.EqualityContract;

    public override int GetHashCode() => EqualityContract.GetHashCode();
}
