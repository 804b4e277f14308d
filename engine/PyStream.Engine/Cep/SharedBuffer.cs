namespace PyStream.Engine.Cep;

/// <summary>
/// The events and partial-match links of one key (Flink's <c>SharedBuffer</c> and its
/// accessor): each event is stored once, by <see cref="EventId"/>; a node is an event taken
/// by a stage, with edges to the node before it in some partial match, each edge labelled
/// with the <see cref="DeweyNumber"/> of the partial matches it belongs to. Nodes, edges and
/// events are reference counted: a partial match locks the path it ends in, and releasing it
/// frees whatever no other partial match still holds.
/// </summary>
public sealed class SharedBuffer<TEvent>
{
    private readonly Dictionary<long, EventEntry> _events = [];
    private readonly Dictionary<NodeId, Node> _nodes = [];
    private long _nextSequence;

    /// <summary>Scratch of <see cref="ReleaseNode"/>, shared by the buffers of one thread (an operator's keys).</summary>
    [ThreadStatic]
    private static Stack<(NodeId Node, DeweyNumber Version)>? _releasing;

    public int EventCount => _events.Count;

    public int NodeCount => _nodes.Count;

    public bool IsEmpty => _events.Count == 0 && _nodes.Count == 0;

    public TEvent EventOf(EventId id) => _events[id.Sequence].Event;

    /// <summary>Every event stored now (each once).</summary>
    public IEnumerable<TEvent> Events => _events.Values.Select(entry => entry.Event);

    /// <summary>Stores an event with one lock, released by <see cref="ReleaseEvent"/> once the step that registered it is done.</summary>
    public EventId RegisterEvent(TEvent value, long timestamp)
    {
        var id = new EventId(timestamp, _nextSequence++);
        _events[id.Sequence] = new EventEntry(value) { Locks = 1 };
        return id;
    }

    public void ReleaseEvent(EventId id)
    {
        if (_events.TryGetValue(id.Sequence, out var entry) && Release(ref entry.Locks))
            _events.Remove(id.Sequence);
    }

    /// <summary>Adds an edge from the node of (<paramref name="stage"/>, <paramref name="eventId"/>) to <paramref name="previous"/>, labelled <paramref name="version"/>.</summary>
    public NodeId Put(int stage, EventId eventId, NodeId? previous, DeweyNumber version)
    {
        if (previous is { } before)
            LockNode(before, version);
        var id = new NodeId(eventId, stage);
        if (!_nodes.TryGetValue(id, out var node))
        {
            _nodes[id] = node = new Node();
            _events[eventId.Sequence].Locks++;
        }

        node.Edges.Add(new Edge(previous, version));
        return id;
    }

    /// <summary>Locks a node and its edges that belong to <paramref name="version"/>.</summary>
    public void LockNode(NodeId? id, DeweyNumber version)
    {
        if (id is not { } key || !_nodes.TryGetValue(key, out var node))
            return;
        node.Locks++;
        foreach (var edge in node.Edges)
        {
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
            if (!_nodes.TryGetValue(current.Node, out var node))
                continue;
            for (var i = 0; i < node.Edges.Count; i++)
            {
                var edge = node.Edges[i];
                if (!current.Version.IsCompatibleWith(edge.Version) || !Release(ref edge.Locks))
                    continue;
                node.Edges.RemoveAt(i--);
                if (edge.Target is { } target)
                    pending.Push((target, edge.Version));
            }

            if (Release(ref node.Locks))
            {
                _nodes.Remove(current.Node);
                ReleaseEvent(current.Node.Event);
            }
        }
    }

    /// <summary>The paths that end in node <paramref name="id"/> for <paramref name="version"/>: (stage, event) pairs, first event first.</summary>
    public List<List<(int Stage, EventId Event)>> ExtractPatterns(NodeId id, DeweyNumber version)
    {
        var result = new List<List<(int, EventId)>>();
        if (!_nodes.ContainsKey(id))
            return result;
        var pending = new Stack<(NodeId? Node, DeweyNumber Version, List<NodeId> Path)>();
        pending.Push((id, version, []));
        while (pending.TryPop(out var current))
        {
            if (current.Node is not { } nodeId)
            {
                // The path was collected from the last event back to the first.
                var path = new List<(int, EventId)>(current.Path.Count);
                for (var i = current.Path.Count - 1; i >= 0; i--)
                    path.Add((current.Path[i].Stage, current.Path[i].Event));
                result.Add(path);
                continue;
            }

            current.Path.Add(nodeId);
            var first = true;
            foreach (var edge in _nodes[nodeId].Edges)
            {
                if (!current.Version.IsCompatibleWith(edge.Version))
                    continue;
                var path = first ? current.Path : [.. current.Path];
                first = false;
                pending.Push((edge.Target, edge.Version, path));
            }
        }

        return result;
    }

    /// <summary>The events of a path, grouped by stage in the order of each stage's first event.</summary>
    public PatternMatch<TEvent> Materialize(List<(int Stage, EventId Event)> path, IReadOnlyList<string> stageNames)
    {
        var stages = new List<string>();
        var events = new List<IReadOnlyList<TEvent>>();
        var order = new List<int>();
        foreach (var (stage, id) in path)
        {
            var slot = order.IndexOf(stage);
            if (slot < 0)
            {
                slot = order.Count;
                order.Add(stage);
                stages.Add(stageNames[stage]);
                events.Add(new List<TEvent>());
            }

            ((List<TEvent>)events[slot]).Add(EventOf(id));
        }

        return new PatternMatch<TEvent>(stages, events);
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
        foreach (var (sequence, entry) in _events)
        {
            writer.Write(sequence);
            writer.Write7BitEncodedInt(entry.Locks);
            serializer.Write(writer, entry.Event);
        }

        writer.Write7BitEncodedInt(_nodes.Count);
        foreach (var (id, node) in _nodes)
        {
            id.Write(writer);
            writer.Write7BitEncodedInt(node.Locks);
            writer.Write7BitEncodedInt(node.Edges.Count);
            foreach (var edge in node.Edges)
            {
                writer.Write(edge.Target is not null);
                if (edge.Target is { } target)
                    target.Write(writer);
                edge.Version.Write(writer);
                writer.Write7BitEncodedInt(edge.Locks);
            }
        }
    }

    internal static SharedBuffer<TEvent> Read(BinaryReader reader, ICepEventSerializer<TEvent> serializer)
    {
        var buffer = new SharedBuffer<TEvent> { _nextSequence = reader.ReadInt64() };
        for (var n = reader.Read7BitEncodedInt(); n > 0; n--)
        {
            var sequence = reader.ReadInt64();
            var locks = reader.Read7BitEncodedInt();
            buffer._events[sequence] = new EventEntry(serializer.Read(reader)) { Locks = locks };
        }

        for (var n = reader.Read7BitEncodedInt(); n > 0; n--)
        {
            var id = NodeId.Read(reader);
            var node = new Node { Locks = reader.Read7BitEncodedInt() };
            for (var e = reader.Read7BitEncodedInt(); e > 0; e--)
            {
                NodeId? target = reader.ReadBoolean() ? NodeId.Read(reader) : null;
                node.Edges.Add(new Edge(target, DeweyNumber.Read(reader)) { Locks = reader.Read7BitEncodedInt() });
            }

            buffer._nodes[id] = node;
        }

        return buffer;
    }

    private sealed class EventEntry(TEvent value)
    {
        public TEvent Event { get; } = value;

        public int Locks;
    }

    private sealed class Node
    {
        public int Locks;

        public List<Edge> Edges { get; } = [];
    }

    private sealed class Edge(NodeId? target, DeweyNumber version)
    {
        public NodeId? Target { get; } = target;

        public DeweyNumber Version { get; } = version;

        public int Locks;
    }
}
