using System.Collections;
using System.Runtime.CompilerServices;

namespace PyStream.Sql.Ast;

/// <summary>
/// An immutable list compared by its elements, so that records holding lists compare by value.
/// </summary>
[CollectionBuilder(typeof(SqlList), nameof(SqlList.Create))]
public sealed class SqlList<T> : IReadOnlyList<T>, IEquatable<SqlList<T>>
{
    private readonly T[] _items;

    public SqlList(IEnumerable<T> items) => _items = [.. items];

    public static SqlList<T> Empty { get; } = new([]);

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(SqlList<T>? other) => other is not null && _items.AsSpan().SequenceEqual(other._items);

    public override bool Equals(object? obj) => Equals(obj as SqlList<T>);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
            hash.Add(item);
        return hash.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}

/// <summary>Builds <see cref="SqlList{T}"/> values from collection expressions.</summary>
public static class SqlList
{
    public static SqlList<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());

    public static SqlList<T> From<T>(IEnumerable<T> items) => new(items);
}
