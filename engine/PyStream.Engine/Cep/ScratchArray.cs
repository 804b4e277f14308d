namespace PyStream.Engine.Cep;

/// <summary>
/// An array an operator reuses from batch to batch (scratch, not state): <see cref="Take"/> hands out its first
/// <c>count</c> items, growing it (at least doubling) when a batch needs more, so a steady stream of batches allocates nothing.
/// The items keep what the last batch left in them.
/// </summary>
public sealed class ScratchArray<T>
{
    private T[] _items = [];
    private int _count;

    public Span<T> Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_items.Length < count)
            _items = new T[Math.Max(count, 2 * _items.Length)];
        _count = count;
        return _items.AsSpan(0, count);
    }

    /// <summary>As <see cref="Take"/>, keeping the first <paramref name="keep"/> items of what the last call handed out.</summary>
    public Span<T> Grow(int keep, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keep, Math.Min(count, _count));
        if (_items.Length < count)
        {
            var items = new T[Math.Max(count, 2 * _items.Length)];
            _items.AsSpan(0, keep).CopyTo(items);
            _items = items;
        }

        _count = count;
        return _items.AsSpan(0, count);
    }

    /// <summary>An item of what the last <see cref="Take"/> handed out.</summary>
    public ref T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            return ref _items[index];
        }
    }
}
