namespace PyStream.Engine.State;

/// <summary>
/// A list state's bytes on the heap backend, appended in chunks that double from the first
/// element's size up to 32 KB: nothing held is copied again as the list grows (a contiguous buffer
/// allocated and copied about twice its final size), and no chunk lands on the large object heap.
/// </summary>
internal sealed class ListBytes
{
    private const int MaxChunk = 32 * 1024;
    private readonly List<byte[]> _full = [];
    private byte[] _last;
    private int _used;

    public ListBytes(int firstElementLength) => _last = new byte[Math.Clamp(firstElementLength, 16, MaxChunk)];

    public int Length { get; private set; }

    public void Write(ReadOnlySpan<byte> value)
    {
        while (!value.IsEmpty)
        {
            if (_used == _last.Length)
            {
                _full.Add(_last);
                _last = new byte[Math.Min(MaxChunk, Math.Max(Length, value.Length))];
                _used = 0;
            }

            var count = Math.Min(value.Length, _last.Length - _used);
            value[..count].CopyTo(_last.AsSpan(_used));
            _used += count;
            Length += count;
            value = value[count..];
        }
    }

    /// <summary>Every byte appended, in one array.</summary>
    public byte[] ToArray()
    {
        var all = new byte[Length];
        var at = 0;
        foreach (var chunk in _full)
        {
            chunk.CopyTo(all, at);
            at += chunk.Length;
        }

        _last.AsSpan(0, _used).CopyTo(all.AsSpan(at));
        return all;
    }
}
