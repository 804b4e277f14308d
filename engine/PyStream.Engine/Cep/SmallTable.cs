using System.Runtime.CompilerServices;

namespace PyStream.Engine.Cep;

/// <summary>
/// A map for the few entries one key's shared buffer holds as a rule: one array searched in order, where a
/// <see cref="Dictionary{TKey, TValue}"/> per key touched its object, its buckets and its entries (three cache misses a
/// lookup once thousands of keys are in use); past <see cref="IndexedFrom"/> entries a dictionary of positions indexes
/// it, so a key that holds many stays O(1). Removing moves the last entry into the hole: the order is not kept.
/// A mutable struct: keep it in a field and never copy it.
/// </summary>
internal struct SmallTable<TKey, TValue>
    where TKey : IEquatable<TKey>
{
    private const int IndexedFrom = 9;

    private Entry[] _entries;
    private Dictionary<TKey, int>? _index;

    public SmallTable() => _entries = [];

    public int Count { get; private set; }

    public readonly TKey KeyAt(int slot) => _entries[slot].Key;

    public readonly ref TValue ValueAt(int slot) => ref _entries[slot].Value;

    /// <summary>The entry's value, or a null reference when there is none (test with <see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>).</summary>
    public readonly ref TValue Find(TKey key)
    {
        var slot = SlotOf(key);
        return ref slot < 0 ? ref Unsafe.NullRef<TValue>() : ref _entries[slot].Value;
    }

    /// <summary>The entry's value, added as <c>default</c> when there is none.</summary>
    public ref TValue GetOrAdd(TKey key, out bool exists)
    {
        var slot = SlotOf(key);
        exists = slot >= 0;
        if (exists)
            return ref _entries[slot].Value;
        if (Count == _entries.Length)
            Array.Resize(ref _entries, Math.Max(4, 2 * _entries.Length));
        slot = Count++;
        _entries[slot] = new Entry { Key = key };
        if (_index is not null)
            _index[key] = slot;
        else if (Count == IndexedFrom)
            BuildIndex();
        return ref _entries[slot].Value;
    }

    public void Remove(TKey key)
    {
        var slot = SlotOf(key);
        if (slot < 0)
            return;
        var last = --Count;
        _index?.Remove(key);
        if (slot != last)
        {
            _entries[slot] = _entries[last];
            if (_index is not null)
                _index[_entries[slot].Key] = slot;
        }

        _entries[last] = default;
        if (Count == 0)
            _index = null;
    }

    private readonly int SlotOf(TKey key)
    {
        if (_index is not null)
            return _index.TryGetValue(key, out var indexed) ? indexed : -1;
        for (var slot = 0; slot < Count; slot++)
        {
            if (_entries[slot].Key.Equals(key))
                return slot;
        }

        return -1;
    }

    private void BuildIndex()
    {
        _index = new Dictionary<TKey, int>(2 * Count);
        for (var slot = 0; slot < Count; slot++)
            _index[_entries[slot].Key] = slot;
    }

    private struct Entry
    {
        public TKey Key;

        public TValue Value;
    }
}
