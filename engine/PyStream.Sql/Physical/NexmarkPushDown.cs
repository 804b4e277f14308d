using PyStream.Sql.Catalog;
using PyStream.Sql.Connectors.Nexmark;
using PyStream.Sql.Expressions;
using PyStream.Sql.Planning;
using PyStream.Sql.Types;

namespace PyStream.Sql.Physical;

/// <summary>A nexmark table read as some of the generator's columns, optionally of one kind of event only.</summary>
internal sealed record NexmarkScanNode(CatalogTable Table, NexmarkProjection Projection, IReadOnlyList<PlanField> Leaves) : PlanNode(Leaves)
{
    public override IReadOnlyList<PlanNode> Inputs => [];
}

/// <summary>
/// Projection and filter push-down into the nexmark source (Flink's PushProjectIntoTableSourceScanRule
/// and PushFilterIntoTableSourceScanRule, for this connector): a Calc over a nexmark table, directly
/// or through its computed columns and watermark, that reads ROW columns only by field
/// (<c>bid.price</c>) gets a source generating just those fields; a conjunct
/// <c>event_type = k</c> of its condition becomes the source's <see cref="NexmarkProjection.Only"/>,
/// and the fields of the other kinds are NULL literals there. The watermark is then computed over
/// the rows the source emits; since each subtask's events come in event-time order, no row is late
/// either way and the results are the same. Off when <c>table.optimizer.source.predicate-pushdown-enabled</c>
/// is false (the table is then read whole, its ROW values built).
/// </summary>
internal static class NexmarkPushDown
{
    public const string EnabledKey = "table.optimizer.source.predicate-pushdown-enabled";

    /// <summary>The Calc rewritten onto a <see cref="NexmarkScanNode"/>, or null when the rule does not apply.</summary>
    public static PlanNode? Rewrite(CalcNode top)
    {
        var (watermark, computed, scan) = top.Input switch
        {
            ScanNode s => ((WatermarkNode?)null, (CalcNode?)null, s),
            WatermarkNode { Input: CalcNode { Condition: null, Input: ScanNode s } c } w => (w, c, s),
            _ => (null, null, null!),
        };
        if (scan is null || scan.Table.Connector != "nexmark")
            return null;
        var columns = NexmarkColumns.Resolve(scan.ScanFields.Select(f => new SqlField(f.Name, f.Type)).ToList(), scan.Table.Name);
        // What each column of the Calc's input is, over the scan's columns.
        var inputs = computed?.Projections ?? scan.ScanFields.Select((f, i) => (BoundExpr)new InputRef(i, f.Type)).ToArray();
        var inputFields = computed?.Output ?? scan.ScanFields;

        var (only, condition) = EventTypeFilter(top.Condition, inputs, columns);
        var rewriter = new Rewriter(inputs, inputFields, columns, only);
        try
        {
            // Projections first: when they read leaves in order, the middle Calc is an identity and disappears.
            var projections = top.Projections.Select(rewriter.Rewrite).ToArray();
            var newCondition = condition is null ? null : rewriter.Rewrite(condition);
            var rowtime = watermark is null ? -1 : rewriter.Atom(new InputRef(watermark.RowtimeIndex, inputFields[watermark.RowtimeIndex].Type));
            var watermarkExpr = watermark is null ? null : rewriter.Rewrite(watermark.Watermark);

            var projection = new NexmarkProjection(rewriter.Leaves, only);
            var leafFields = rewriter.Leaves.Select(LeafField).ToArray();
            PlanNode node = new NexmarkScanNode(scan.Table, projection, leafFields);
            var atoms = rewriter.AtomExpressions.Select(e => Over(e, rewriter.Leaves)).ToArray();
            node = new CalcNode(node, null, atoms, rewriter.AtomFields);
            if (watermark is not null)
                node = new WatermarkNode(node, rowtime, watermarkExpr!);
            return new CalcNode(node, newCondition, projections, top.Output);
        }
        catch (WholeRowRead)
        {
            return null;
        }
    }

    /// <summary>The leaf column's field: its name and type (nullable, since other kinds' rows have none).</summary>
    private static PlanField LeafField(NexmarkField field) =>
        new(NexmarkSchema.Name(field), field == NexmarkField.EventType ? NexmarkSchema.Type(field) : NexmarkSchema.Type(field).AsNullable());

    /// <summary>An atom's expression with its leaf placeholders turned into references to the leaf columns.</summary>
    private static BoundExpr Over(BoundExpr atom, List<NexmarkField> leaves) => atom switch
    {
        LeafRef leaf => new InputRef(leaves.IndexOf(leaf.Field), leaf.Type),
        CallExpr call => call with { Operands = call.Operands.Select(o => Over(o, leaves)).ToArray() },
        _ => atom,
    };

    /// <summary>The first conjunct <c>event_type = k</c> (a literal k) and the condition without it.</summary>
    private static (NexmarkEventType? Only, BoundExpr? Remaining) EventTypeFilter(BoundExpr? condition, IReadOnlyList<BoundExpr> inputs, NexmarkColumns columns)
    {
        if (condition is null)
            return (null, null);
        var conjuncts = new List<BoundExpr>();
        Flatten(condition, conjuncts);
        for (var i = 0; i < conjuncts.Count; i++)
        {
            if (conjuncts[i] is not CallExpr { Function: "=", Operands: [var a, var b] })
                continue;
            var (column, literal) = a is Literal ? (b, a) : (a, b);
            if (column is InputRef r && inputs[r.Index] is InputRef source && columns.EventType[source.Index] is not null
                && literal is Literal { Value: int k } && Enum.IsDefined((NexmarkEventType)k))
            {
                conjuncts.RemoveAt(i);
                var rest = conjuncts.Count == 0 ? null : conjuncts.Aggregate((x, y) => new CallExpr("AND", [x, y], x.Type.Nullable || y.Type.Nullable ? SqlType.Boolean : SqlType.Boolean.NotNull));
                return ((NexmarkEventType)k, rest);
            }
        }

        return (null, condition);
    }

    private static void Flatten(BoundExpr condition, List<BoundExpr> conjuncts)
    {
        if (condition is CallExpr { Function: "AND" } and)
        {
            foreach (var operand in and.Operands)
                Flatten(operand, conjuncts);
        }
        else
        {
            conjuncts.Add(condition);
        }
    }

    /// <summary>A leaf column of the generator inside an atom's expression, before leaves are numbered.</summary>
    private sealed record LeafRef(NexmarkField Field, SqlType Type) : BoundExpr(Type);

    /// <summary>The query reads a whole ROW value: the rule does not apply.</summary>
    private sealed class WholeRowRead : Exception;

    /// <summary>
    /// Rewrites the Calc's expressions onto atoms: the columns of the new middle Calc, each a
    /// non-ROW input column or a field of a ROW column, computed over the generator's leaves.
    /// </summary>
    private sealed class Rewriter(IReadOnlyList<BoundExpr> inputs, IReadOnlyList<PlanField> inputFields, NexmarkColumns columns, NexmarkEventType? only)
    {
        private readonly Dictionary<(int Column, int Field), int> _atoms = [];

        public List<NexmarkField> Leaves { get; } = [];

        public List<BoundExpr> AtomExpressions { get; } = [];

        public List<PlanField> AtomFields { get; } = [];

        public BoundExpr Rewrite(BoundExpr expr) => expr switch
        {
            CallExpr { Function: "FIELD", Operands: [InputRef r, Literal { Value: int field }] } call when inputs[r.Index] is InputRef { Type.Kind: SqlTypeKind.Row } =>
                new InputRef(Atom(r.Index, field, call.Type, NexmarkSchema.Name(FieldOf(inputs[r.Index], field))), call.Type),
            InputRef r => new InputRef(Atom(r), r.Type),
            CallExpr call => call with { Operands = call.Operands.Select(Rewrite).ToArray() },
            _ => expr,
        };

        public int Atom(InputRef r) => Atom(r.Index, -1, inputFields[r.Index].Type, inputFields[r.Index].Name);

        private int Atom(int column, int field, SqlType type, string name)
        {
            if (_atoms.TryGetValue((column, field), out var index))
                return index;
            var source = inputs[column];
            var expression = field >= 0 ? Leaf(FieldOf(source, field), type) : OverLeaves(source);
            index = AtomExpressions.Count;
            AtomExpressions.Add(expression);
            AtomFields.Add(new PlanField(name, type));
            _atoms[(column, field)] = index;
            return index;
        }

        private NexmarkField FieldOf(BoundExpr rowColumn, int field) => columns.RowFields[((InputRef)rowColumn).Index]![field];

        /// <summary>A computed column (or event_type) over the leaves; a whole ROW is not rewritable.</summary>
        private BoundExpr OverLeaves(BoundExpr expr) => Simplify(expr switch
        {
            CallExpr { Function: "FIELD", Operands: [InputRef r, Literal { Value: int field }] } call when columns.RowFields[r.Index] is not null =>
                Leaf(columns.RowFields[r.Index]![field], call.Type),
            InputRef r when columns.EventType[r.Index] is not null => only is { } kind ? new Literal((int)kind, r.Type) : Leaf(NexmarkField.EventType, r.Type),
            InputRef => throw new WholeRowRead(),
            CallExpr call => call with { Operands = call.Operands.Select(OverLeaves).ToArray() },
            _ => expr,
        });

        /// <summary>A generator leaf; a field of another kind than the one the source keeps is NULL on every row.</summary>
        private BoundExpr Leaf(NexmarkField field, SqlType type)
        {
            if (only is { } kind && NexmarkSchema.EventTypeOf(field) is { } owner && owner != kind)
                return new Literal(null, type.AsNullable());
            if (!Leaves.Contains(field))
                Leaves.Add(field);
            return new LeafRef(field, LeafField(field).Type);
        }
    }

    /// <summary>Folds what the event_type literal makes constant: <c>2 = 0</c>, and CASE branches with constant conditions.</summary>
    private static BoundExpr Simplify(BoundExpr expr)
    {
        switch (expr)
        {
            case CallExpr { Function: "=", Operands: [Literal { Value: int a }, Literal { Value: int b }] }:
                return new Literal(a == b, SqlType.Boolean.NotNull);
            case CallExpr { Function: "CASE" } c:
                var operands = c.Operands.ToList();
                for (var i = 0; i < operands.Count - 1;)
                {
                    if (operands[i] is Literal { Value: false } or Literal { Value: null })
                    {
                        operands.RemoveRange(i, 2);
                    }
                    else if (operands[i] is Literal { Value: true })
                    {
                        operands.RemoveRange(i + 2, operands.Count - i - 2);
                        operands.RemoveAt(i);
                        break;
                    }
                    else
                    {
                        i += 2;
                    }
                }

                return operands.Count == 1 && operands[0].Type.SameRootAndParameters(c.Type) ? operands[0] : c with { Operands = operands };
            default:
                return expr;
        }
    }
}
