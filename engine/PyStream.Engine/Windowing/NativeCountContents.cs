using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using PyStream.Engine.Records;

namespace PyStream.Engine.Windowing;

/// <summary>
/// A window function computed natively: the number of records per (key, window), printed as
/// <c>(key,start,end,count)</c>. Int keys (canonical int key bytes) print as numbers.
/// </summary>
public sealed class NativeCountContents : IWindowContents
{
    private readonly Dictionary<(int KeyId, long Start, long End), long[]> _counts = [];
    private readonly Dictionary<int, string> _keyText = [];

    // Per key id: the window last counted and its counter, since a key's records mostly fall
    // into the window of its previous record.
    private (long Start, long End, long[]? Count)[] _last = [];

    public void Open()
    {
    }

    public Batch?[] Apply(Batch? records, ReadOnlyMemory<long> actionMemory, IReadOnlyList<byte[]>? keys, long watermark)
    {
        var actions = actionMemory.Span;
        List<string>? fired = null;
        for (var i = 0; i < actions.Length; i += WindowActions.Width)
        {
            var slot = ((int)actions[i + 4], actions[i + 2], actions[i + 3]);
            switch ((WindowActionKind)actions[i])
            {
                case WindowActionKind.Add:
                    Counter(slot)[0]++;
                    break;
                case WindowActionKind.Fire when _counts.TryGetValue(slot, out var count):
                    var key = records?.Keys is { } blob ? blob.KeyAt((int)actions[i + 1]) : keys![(int)actions[i + 1]];
                    (fired ??= []).Add(string.Create(CultureInfo.InvariantCulture, $"({KeyText(slot.Item1, key)},{slot.Item2},{slot.Item3},{count[0]})"));
                    break;
                case WindowActionKind.Purge or WindowActionKind.Clear:
                    _counts.Remove(slot);
                    if (slot.Item1 < _last.Length && _last[slot.Item1].Start == slot.Item2 && _last[slot.Item1].End == slot.Item3)
                        _last[slot.Item1] = default;
                    if ((WindowActionKind)actions[i] == WindowActionKind.Clear)
                        _keyText.Remove(slot.Item1); // the operator may give this key id to another key
                    break;
            }
        }

        return [fired is null ? null : new TextBatch([.. fired]), null];
    }

    private long[] Counter((int KeyId, long Start, long End) slot)
    {
        if (slot.KeyId >= _last.Length)
            Array.Resize(ref _last, Math.Max(16, Math.Max(slot.KeyId + 1, _last.Length * 2)));
        ref var last = ref _last[slot.KeyId];
        if (last.Count is { } cached && last.Start == slot.Start && last.End == slot.End)
            return cached;
        ref var counter = ref CollectionsMarshal.GetValueRefOrAddDefault(_counts, slot, out _);
        counter ??= new long[1];
        last = (slot.Start, slot.End, counter);
        return counter;
    }

    private string KeyText(int keyId, ReadOnlySpan<byte> key)
    {
        if (!_keyText.TryGetValue(keyId, out var text))
        {
            text = key.Length == 9 && key[0] == 0x03
                ? BinaryPrimitives.ReadInt64BigEndian(key[1..]).ToString(CultureInfo.InvariantCulture)
                : Convert.ToHexString(key);
            _keyText[keyId] = text;
        }

        return text;
    }

    /// <summary>Counts live in this object, not in the store: the window operator snapshots them.</summary>
    public void PrepareSnapshot()
    {
    }

    /// <summary>Every window's count with its key's bytes, for a snapshot.</summary>
    public IEnumerable<(byte[] Key, Window Window, long Count)> Counts(Func<int, byte[]> keyOf) =>
        _counts.Select(c => (keyOf(c.Key.KeyId), new Window(c.Key.Start, c.Key.End), c.Value[0]));

    public void Restore(int keyId, Window window, long count) => Counter((keyId, window.Start, window.End))[0] = count;

    public void Close()
    {
    }

    public void Dispose()
    {
    }
}
