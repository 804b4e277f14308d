using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace PyStream.Engine.Cep;

/// <summary>
/// The events and partial-match links of one key (Flink's <c>SharedBuffer</c> and its
/// accessor): each event is stored once, by <see cref="EventId"/>; a node is an event taken
/// by a stage, with edges to the node before it in some partial match, each edge labelled
/// with the <see cref="DeweyNumber"/> of the partial matches it belongs to. Nodes, edges and
/// events are reference counted: a partial match locks the path it ends in, and releasing it
/// frees whatever no other partial match still holds.
/// </summary>
public sealed class SharedBuffer<TEvent>(ICepEventRetention<TEvent>? retention = null)
{
    // Mutable structs: used in place, never copied.
    private SmallTable<long, EventEntry> _events = new();
    private SmallTable<NodeId, Node> _nodes = new();
    private long _nextSequence;

    /// <summary>Scratch of <see cref="ReleaseNode"/>, shared by the buffers of one thread (an operator's keys).</summary>
    [ThreadStatic]
    private static Stack<(NodeId Node, DeweyNumber Version)>? _releasing;

    /// <summary>Scratch of <see cref="FirstPath"/>: the branches still to walk, and the nodes of the one being walked.</summary>
    [ThreadStatic]
    private static Stack<(NodeId? Node, DeweyNumber Version, int Depth)>? _walking;

    [ThreadStatic]
    private static List<NodeId>? _trail;

    public int EventCount => _events.Count;

    public int NodeCount => _nodes.Count;

    public bool IsEmpty => _events.Count == 0 && _nodes.Count == 0;

    public TEvent EventOf(EventId id)
    {
        ref var entry = ref _events.Find(id.Sequence);
        if (Unsafe.IsNullRef(ref entry))
            throw new KeyNotFoundException($"event {id.Sequence} is not in the shared buffer");
        return entry.Event;
    }

    /// <summary>Every event stored now (each once).</summary>
    public IEnumerable<TEvent> Events
    {
        get
        {
            for (var slot = 0; slot < _events.Count; slot++)
                yield return _events.ValueAt(slot).Event;
        }
    }

    /// <summary>Stores an event with one lock, released by <see cref="ReleaseEvent"/> once the step that registered it is done.</summary>
    public EventId RegisterEvent(TEvent value, long timestamp)
    {
        var id = new EventId(timestamp, _nextSequence++);
        _events.GetOrAdd(id.Sequence, out _) = new EventEntry(value, 1);
        return id;
    }

    public void ReleaseEvent(EventId id)
    {
        ref var entry = ref _events.Find(id.Sequence);
        if (Unsafe.IsNullRef(ref entry) || !Release(ref entry.Locks))
            return;
        retention?.Release(entry.Event);
        _events.Remove(id.Sequence);
    }

    /// <summary>Adds an edge from the node of (<paramref name="stage"/>, <paramref name="eventId"/>) to <paramref name="previous"/>, labelled <paramref name="version"/>.</summary>
    public NodeId Put(int stage, EventId eventId, NodeId? previous, DeweyNumber version)
    {
        if (previous is { } before)
            LockNode(before, version);
        var id = new NodeId(eventId, stage);
        ref var node = ref _nodes.GetOrAdd(id, out var exists);
        if (!exists)
            _events.Find(eventId.Sequence).Locks++;
        node.Add(new Edge(previous, version));
        return id;
    }

    /// <summary>Locks a node and its edges that belong to <paramref name="version"/>.</summary>
    public void LockNode(NodeId? id, DeweyNumber version)
    {
        if (id is not { } key)
            return;
        ref var node = ref _nodes.Find(key);
        if (Unsafe.IsNullRef(ref node))
            return;
        node.Locks++;
        for (var i = 0; i < node.Count; i++)
        {
            ref var edge = ref node.EdgeAt(i);
            if (version.IsCompatibleWith(edge.Version))
                edge.Locks++;
        }
    }

    /// <summary>Releases a node for <paramref name="version"/>, and down its path whatever is no longer held.</summary>
    public void ReleaseNode(NodeId? id, DeweyNumber version)
    {
        if (id is null)
            return;
        var pending = _releasing ??= new Stack<(NodeId, DeweyNumber)>();
        pending.Clear();
        pending.Push((id.Value, version));
        while (pending.TryPop(out var current))
        {
            ref var node = ref _nodes.Find(current.Node);
            if (Unsafe.IsNullRef(ref node))
                continue;
            for (var i = 0; i < node.Count; i++)
            {
                ref var edge = ref node.EdgeAt(i);
                if (!current.Version.IsCompatibleWith(edge.Version) || !Release(ref edge.Locks))
                    continue;
                var (released, releasedVersion) = (edge.Target, edge.Version);
                node.RemoveAt(i--);
                if (released is { } target)
                    pending.Push((target, releasedVersion));
            }

            if (Release(ref node.Locks))
            {
                _nodes.Remove(current.Node);
                ReleaseEvent(current.Node.Event);
            }
        }
    }

    /// <summary>
    /// The first path (as Flink's <c>extractPatterns(...).get(0)</c>) that ends in node <paramref name="id"/> for
    /// <paramref name="version"/>, as (stage, event) pairs, first event first, into <paramref name="path"/>; false when
    /// there is none. The search is depth first, the last compatible edge of a node first.
    /// </summary>
    public bool FirstPath(NodeId id, DeweyNumber version, List<(int Stage, EventId Event)> path)
    {
        path.Clear();
        if (Unsafe.IsNullRef(ref _nodes.Find(id)))
            return false;
        var pending = _walking ??= new Stack<(NodeId? Node, DeweyNumber Version, int Depth)>();
        var trail = _trail ??= [];
        pending.Clear();
        trail.Clear();
        pending.Push((id, version, 0));
        while (pending.TryPop(out var current))
        {
            trail.RemoveRange(current.Depth, trail.Count - current.Depth);
            if (current.Node is not { } nodeId)
            {
                // The trail was collected from the last event back to the first.
                for (var i = trail.Count - 1; i >= 0; i--)
                    path.Add((trail[i].Stage, trail[i].Event));
                return true;
            }

            trail.Add(nodeId);
            ref var node = ref _nodes.Find(nodeId);
            for (var i = 0; i < node.Count; i++)
            {
                ref var edge = ref node.EdgeAt(i);
                if (current.Version.IsCompatibleWith(edge.Version))
                    pending.Push((edge.Target, edge.Version, trail.Count));
            }
        }

        return false;
    }

    /// <summary>The events of a path, grouped by stage in the order of each stage's first event.</summary>
    public PatternMatch<TEvent> Materialize(List<(int Stage, EventId Event)> path, IReadOnlyList<string> stageNames)
    {
        Span<int> order = path.Count <= 64 ? stackalloc int[path.Count] : new int[path.Count];
        Span<int> sizes = path.Count <= 64 ? stackalloc int[path.Count] : new int[path.Count];
        var stageCount = 0;
        foreach (var (stage, _) in path)
        {
            var slot = order[..stageCount].IndexOf(stage);
            if (slot < 0)
            {
                slot = stageCount++;
                (order[slot], sizes[slot]) = (stage, 0);
            }

            sizes[slot]++;
        }

        // Each stage's events go after the stages before it: sizes become each stage's next free place, layout holds its end.
        var layout = new int[2 * stageCount];
        var end = 0;
        for (var slot = 0; slot < stageCount; slot++)
        {
            var size = sizes[slot];
            (layout[2 * slot], layout[(2 * slot) + 1], sizes[slot]) = (order[slot], end + size, end);
            end += size;
        }

        var events = new TEvent[path.Count];
        foreach (var (stage, id) in path)
        {
            var slot = order[..stageCount].IndexOf(stage);
            events[sizes[slot]++] = EventOf(id);
        }

        return new PatternMatch<TEvent>(stageNames, events, layout);
    }

    /// <summary>A released lock count of zero (or one already at zero) frees the entry, as Flink's <c>Lockable</c>.</summary>
    private static bool Release(ref int locks)
    {
        if (locks <= 0)
            return true;
        return --locks == 0;
    }

    internal void Write(BinaryWriter writer, ICepEventSerializer<TEvent> serializer)
    {
        writer.Write(_nextSequence);
        writer.Write7BitEncodedInt(_events.Count);
        for (var slot = 0; slot < _events.Count; slot++)
        {
            var entry = _events.ValueAt(slot);
            writer.Write(_events.KeyAt(slot));
            writer.Write7BitEncodedInt(entry.Locks);
            serializer.Write(writer, entry.Event);
        }

        writer.Write7BitEncodedInt(_nodes.Count);
        for (var slot = 0; slot < _nodes.Count; slot++)
        {
            ref var node = ref _nodes.ValueAt(slot);
            _nodes.KeyAt(slot).Write(writer);
            writer.Write7BitEncodedInt(node.Locks);
            writer.Write7BitEncodedInt(node.Count);
            for (var i = 0; i < node.Count; i++)
            {
                var edge = node.EdgeAt(i);
                writer.Write(edge.Target is not null);
                if (edge.Target is { } target)
                    target.Write(writer);
                edge.Version.Write(writer);
                writer.Write7BitEncodedInt(edge.Locks);
            }
        }
    }

    /// <summary>Lets every event go (the key's state leaves memory after it was written to the store).</summary>
    internal void ReleaseAll()
    {
        if (retention is null)
            return;
        for (var slot = 0; slot < _events.Count; slot++)
            retention.Release(_events.ValueAt(slot).Event);
    }

    /// <summary>Forgets every event and node without letting the events go (a strict chain took them over).</summary>
    internal void Clear()
    {
        _events = new();
        _nodes = new();
    }

    internal static SharedBuffer<TEvent> Read(BinaryReader reader, ICepEventSerializer<TEvent> serializer)
    {
        var buffer = new SharedBuffer<TEvent>(serializer as ICepEventRetention<TEvent>) { _nextSequence = reader.ReadInt64() };
        for (var n = reader.Read7BitEncodedInt(); n > 0; n--)
        {
            var sequence = reader.ReadInt64();
            var locks = reader.Read7BitEncodedInt();
            buffer._events.GetOrAdd(sequence, out _) = new EventEntry(serializer.Read(reader), locks);
        }

        for (var n = reader.Read7BitEncodedInt(); n > 0; n--)
        {
            var id = NodeId.Read(reader);
            var node = new Node { Locks = reader.Read7BitEncodedInt() };
            for (var e = reader.Read7BitEncodedInt(); e > 0; e--)
            {
                NodeId? target = reader.ReadBoolean() ? NodeId.Read(reader) : null;
                node.Add(new Edge(target, DeweyNumber.Read(reader)) { Locks = reader.Read7BitEncodedInt() });
            }

            buffer._nodes.GetOrAdd(id, out _) = node;
        }

        return buffer;
    }

    /// <summary>A stored event and the nodes (and the step under way) that hold it.</summary>
    private struct EventEntry(TEvent value, int locks)
    {
        public readonly TEvent Event = value;

        public int Locks = locks;
    }

    /// <summary>
    /// An event taken by a stage, with its edges in the order they were added; a value in the buffer's table (no object per
    /// taken event), the first edge (most nodes have one) inline.
    /// </summary>
    private struct Node
    {
        public int Locks;

        private Edge _first;
        private Edge[]? _more;

        public int Count { get; private set; }

        [UnscopedRef]
        public ref Edge EdgeAt(int index) => ref index == 0 ? ref _first : ref _more![index - 1];

        public void Add(Edge edge)
        {
            if (Count > 0)
            {
                _more ??= new Edge[2];
                if (Count - 1 == _more.Length)
                    Array.Resize(ref _more, 2 * _more.Length);
            }

            EdgeAt(Count++) = edge;
        }

        /// <summary>Removes an edge, keeping the order of the others.</summary>
        public void RemoveAt(int index)
        {
            for (var i = index; i < Count - 1; i++)
                EdgeAt(i) = EdgeAt(i + 1);
            EdgeAt(--Count) = default;
        }
    }

    private struct Edge(NodeId? target, DeweyNumber version)
    {
        public readonly NodeId? Target = target;

        public readonly DeweyNumber Version = version;

        public int Locks;
    }
}
