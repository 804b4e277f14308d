using PyStream.Sql.Ast;

namespace PyStream.Sql.Planning;

/// <summary>
/// The arguments of a window table function, positional or named as Flink takes them:
/// TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset]), HOP(TABLE t, DESCRIPTOR(ts), slide, size [, offset]),
/// CUMULATE(TABLE t, DESCRIPTOR(ts), step, size [, offset]), SESSION(TABLE t, DESCRIPTOR(ts), gap).
/// </summary>
internal sealed class WindowArguments
{
    private readonly Dictionary<string, SqlExpr> _named = new(StringComparer.OrdinalIgnoreCase);
    private readonly FunctionCall _call;
    private readonly WindowKind _kind;

    public WindowArguments(FunctionCall call, WindowKind kind)
    {
        _call = call;
        _kind = kind;
        string[] order = kind switch
        {
            WindowKind.Tumble => ["DATA", "TIMECOL", "SIZE", "OFFSET"],
            WindowKind.Hop => ["DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"],
            WindowKind.Cumulate => ["DATA", "TIMECOL", "STEP", "SIZE", "OFFSET"],
            _ => ["DATA", "TIMECOL", "GAP"],
        };
        if (call.Args.Count > order.Length)
            throw new SqlValidationException($"{Name} takes {order.Length} arguments at most ({string.Join(", ", order)}), got {call.Args.Count}", call.Args[order.Length].Position);
        for (var i = 0; i < call.Args.Count; i++)
        {
            var (name, value) = call.Args[i] is NamedArgument n ? (n.Name, n.Value) : (i < order.Length ? order[i] : "", call.Args[i]);
            if (!order.Contains(name, StringComparer.OrdinalIgnoreCase))
                throw new SqlValidationException($"{Name} takes {order.Length} arguments at most ({string.Join(", ", order)}); '{name}' is not one of them", call.Args[i].Position);
            _named[name] = value;
        }

        foreach (var required in order.Where(o => o != "OFFSET"))
        {
            if (!_named.ContainsKey(required))
                throw new SqlValidationException($"{Name} is missing its {required} argument", call.Position);
        }
    }

    private string Name => _kind.ToString().ToUpperInvariant();

    public TableArgument Table => _named["DATA"] as TableArgument
        ?? throw new SqlValidationException($"the first argument of {Name} must be TABLE name", _named["DATA"].Position);

    public string TimeColumn => _named["TIMECOL"] is DescriptorExpr { Columns.Count: 1 } d
        ? d.Columns[0]
        : throw new SqlValidationException($"the time column of {Name} must be DESCRIPTOR(column)", _named["TIMECOL"].Position);

    public WindowDefinition Definition(Func<SqlExpr, long> millis)
    {
        var offset = _named.TryGetValue("OFFSET", out var o) ? millis(o) : 0;
        switch (_kind)
        {
            case WindowKind.Tumble:
                return new WindowDefinition(_kind, millis(_named["SIZE"]), 0, 0, offset);
            case WindowKind.Session:
                return new WindowDefinition(_kind, 0, 0, millis(_named["GAP"]), 0);
            default:
                var size = millis(_named["SIZE"]);
                var slide = millis(_named[_kind == WindowKind.Hop ? "SLIDE" : "STEP"]);
                if (size % slide != 0)
                    throw new SqlValidationException($"{Name} windows require the size ({size} ms) to be an integral multiple of the {(_kind == WindowKind.Hop ? "slide" : "step")} ({slide} ms)", _call.Position);
                return new WindowDefinition(_kind, size, slide, 0, offset);
        }
    }
}
