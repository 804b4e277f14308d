namespace PyStream.Engine.Runtime.Operators;

/// <summary>
/// A sink's pre-committed output (part files, result batches), each filed under the
/// checkpoint whose barrier closed it, until a checkpoint that covers it completes.
/// </summary>
public sealed class Committables<T>
{
    private readonly List<(long Checkpoint, T Item)> _items = [];

    public int Count => _items.Count;

    public IReadOnlyList<(long Checkpoint, T Item)> All => _items;

    public IEnumerable<T> Items => _items.Select(i => i.Item);

    public void Add(long checkpoint, IEnumerable<T> items) => _items.AddRange(items.Select(item => (checkpoint, item)));

    /// <summary>Removes and returns what checkpoints up to <paramref name="checkpointId"/> cover.</summary>
    public List<T> TakeUpTo(long checkpointId)
    {
        var taken = _items.Where(i => i.Checkpoint <= checkpointId).Select(i => i.Item).ToList();
        _items.RemoveAll(i => i.Checkpoint <= checkpointId);
        return taken;
    }

    public void Clear() => _items.Clear();
}
