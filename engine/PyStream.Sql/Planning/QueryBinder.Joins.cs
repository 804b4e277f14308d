using PyStream.Sql.Ast;
using PyStream.Sql.Expressions;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

// FROM with joins: a JOIN b ON ..., a JOIN b USING (...), CROSS JOIN and comma lists.
internal sealed partial class QueryBinder
{
    private PlanNode Join(JoinRef j)
    {
        var left = From(j.Left);
        var right = From(j.Right);
        var type = j.Kind switch
        {
            JoinKind.Left => JoinType.Left,
            JoinKind.Right => JoinType.Right,
            JoinKind.Full => JoinType.Full,
            _ => JoinType.Inner,
        };
        CheckRelationNames(left, right, j);
        if (j.Using is { } usingColumns)
            return JoinUsing(left, right, type, usingColumns, j);
        BoundExpr? condition = null;
        if (j.On is not null)
        {
            var binder = new ExpressionBinder(new Scope([.. left.Fields, .. right.Fields]), functions: catalog);
            condition = Condition(binder, j.On, "ON");
        }

        return MakeJoin(left, right, type, condition, j);
    }

    /// <summary>Two relations of one name in a FROM clause: a column qualified by it could mean either, so Calcite refuses it.</summary>
    private static void CheckRelationNames(PlanNode left, PlanNode right, SqlNode at)
    {
        var leftNames = left.Fields.Select(f => f.Qualifier).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (right.Fields.Select(f => f.Qualifier).OfType<string>().FirstOrDefault(leftNames.Contains) is { } duplicate)
            throw new SqlValidationException($"Duplicate relation name '{duplicate}' in FROM clause", at.Position);
    }

    /// <summary>
    /// JOIN ... USING (x, ...): equal x on both sides. As in SQL (and Calcite), each x appears once,
    /// first (the left's, the right's for a RIGHT join, COALESCE of both for a FULL one), then the
    /// other columns; a.x and b.x still name each side's own column.
    /// </summary>
    private PlanNode JoinUsing(PlanNode left, PlanNode right, JoinType type, IReadOnlyList<string> columns, JoinRef j)
    {
        int Side(PlanNode side, string column, string which)
        {
            var matches = side.Fields.Select((f, i) => (f, i)).Where(p => p.f.Name == column && !p.f.QualifiedOnly).Select(p => p.i).ToList();
            return matches.Count switch
            {
                1 => matches[0],
                0 => throw new SqlValidationException($"Column '{column}' not found in {which} table{Suggestions.Hint(column, side.Fields.Select(f => f.Name))}", j.Position),
                _ => throw new SqlValidationException($"Column name '{column}' in USING clause is not unique on one side of join", j.Position),
            };
        }

        if (columns.Distinct(StringComparer.Ordinal).Count() != columns.Count)
            throw new SqlValidationException("A column is named twice in the USING clause", j.Position);
        var width = left.Fields.Count;
        var pairs = columns.Select(c => (Name: c, Left: Side(left, c, "left"), Right: Side(right, c, "right"))).ToList();
        var equalities = new List<BoundExpr>();
        foreach (var (name, l, r) in pairs)
        {
            var lType = left.Fields[l].Type;
            var rType = right.Fields[r].Type;
            var common = CommonType([lType, rType], j);
            equalities.Add(new CallExpr("=", [CastTo(new InputRef(l, lType), common.AsNullable(lType.Nullable)), CastTo(new InputRef(width + r, rType), common.AsNullable(rType.Nullable))],
                lType.Nullable || rType.Nullable ? SqlType.Boolean : SqlType.Boolean.NotNull));
        }

        var join = MakeJoin(left, right, type, equalities.Count == 0 ? null : And(equalities), j);
        var merged = pairs.Select(p =>
        {
            var l = new InputRef(p.Left, join.Fields[p.Left].Type);
            var r = new InputRef(width + p.Right, join.Fields[width + p.Right].Type);
            BoundExpr value = type switch
            {
                JoinType.Right => r,
                JoinType.Full => new CallExpr("COALESCE", [l, r], CommonType([l.Type, r.Type], j).AsNullable(l.Type.Nullable && r.Type.Nullable)),
                _ => l,
            };
            return (Field: new PlanField(p.Name, value.Type), Value: value);
        }).ToList();
        var usingLeft = pairs.Select(p => p.Left).ToHashSet();
        var usingRight = pairs.Select(p => width + p.Right).ToHashSet();
        var sides = join.Fields.Select((f, i) => usingLeft.Contains(i) || usingRight.Contains(i) ? f with { QualifiedOnly = true } : f).ToList();
        return new CalcNode(join, null, [.. merged.Select(m => m.Value), .. Identity(join)], [.. merged.Select(m => m.Field), .. sides]);
    }

    /// <summary>
    /// The join of two inputs on a condition over their columns (left's, then right's): its
    /// conjuncts <c>l = r</c> (or <c>l IS NOT DISTINCT FROM r</c>, where NULL matches NULL) with l
    /// over the left columns only and r over the right ones only are the equi keys, the rest the
    /// residual condition. Keys that are expressions, or of two types,
    /// are computed into extra columns of the inputs first (of their common type), and projected away after.
    /// </summary>
    private PlanNode MakeJoin(PlanNode left, PlanNode right, JoinType type, BoundExpr? condition, SqlNode at)
    {
        if (condition is not null && PythonCalcSplit.HasPython(condition))
            throw ExpressionBinder.Unsupported("Python functions in a join condition", at);
        var width = left.Fields.Count;
        var leftExtra = new List<BoundExpr>();
        var rightExtra = new List<BoundExpr>();
        var leftKeys = new List<int>();
        var rightKeys = new List<int>();
        var nullSafe = new List<bool>();
        var residual = new List<BoundExpr>();
        foreach (var conjunct in condition is null ? [] : Conjuncts(condition))
        {
            if (conjunct is Literal { Value: true })
                continue;
            if (conjunct is not CallExpr { Function: "=" or NullSafeEquals, Operands: [var a, var b] } equality)
            {
                residual.Add(conjunct);
                continue;
            }

            var (l, r) = (SideOf(a, width), SideOf(b, width)) switch
            {
                (JoinSide.Left, JoinSide.Right) => (a, b),
                (JoinSide.Right, JoinSide.Left) => (b, a),
                _ => (null, null),
            };
            if (l is null || r is null)
            {
                residual.Add(conjunct);
                continue;
            }

            r = Shift(r, -width);
            var keyType = SameKeyType(l.Type, r.Type) ? l.Type : CommonType([l.Type, r.Type], at);
            leftKeys.Add(KeyColumn(l, keyType, left.Fields.Count, leftExtra));
            rightKeys.Add(KeyColumn(r, keyType, right.Fields.Count, rightExtra));
            nullSafe.Add(equality.Function == NullSafeEquals);
        }

        var leftInput = WithColumns(left, leftExtra, "$lkey");
        var rightInput = WithColumns(right, rightExtra, "$rkey");
        var joinedResidual = residual.Count == 0 ? null : Shift(And(residual), leftExtra.Count, from: width);
        var interval = IntervalJoins.Bounds(leftInput.Fields, rightInput.Fields, joinedResidual is null ? [] : Conjuncts(joinedResidual).ToList(), context);
        if (interval is not null && (leftInput.IsChangelog || rightInput.IsChangelog))
            throw new SqlValidationException("an interval join (a join on time bounds of two time attributes) takes insert-only inputs, but an input of it is updating (a changelog)", at.Position);

        // The null-padded side of an outer join is nullable; time attributes stay so only through an interval join.
        PlanField Output(PlanField f, bool padded)
        {
            var t = padded ? f.Type.AsNullable() : f.Type;
            return f with { Type = interval is null && t.IsTimeAttribute ? t with { TimeAttribute = TimeAttribute.None } : t };
        }

        var fields = leftInput.Fields.Select(f => Output(f, type is JoinType.Right or JoinType.Full))
            .Concat(rightInput.Fields.Select(f => Output(f, type is JoinType.Left or JoinType.Full))).ToArray();
        var join = new JoinNode(leftInput, rightInput, type, leftKeys, rightKeys, joinedResidual, fields, interval, nullSafe.Contains(true) ? nullSafe : null);
        if (leftExtra.Count == 0 && rightExtra.Count == 0)
            return join;
        var kept = Enumerable.Range(0, width).Concat(Enumerable.Range(leftInput.Fields.Count, right.Fields.Count)).ToArray();
        return new CalcNode(join, null, kept.Select(i => (BoundExpr)new InputRef(i, fields[i].Type)).ToArray(), kept.Select(i => fields[i]).ToArray());
    }

    /// <summary>
    /// WHERE over an inner join without computed keys (or over all its columns, as a Table API join's
    /// SELECT * is): its conjuncts join the join's condition (Calcite's FilterJoinRule), so a comma
    /// join filtered on equal columns is an equi join, and on time bounds an interval join.
    /// </summary>
    private PlanNode? FilterIntoJoin(PlanNode input, BoundExpr condition, SqlNode at)
    {
        var star = input as CalcNode;
        var node = star is { Condition: null } && star.Projections.Count == star.Input.Fields.Count && star.Projections.Select((p, i) => p is InputRef r && r.Index == i).All(x => x)
            ? star.Input
            : input;
        if (node is not JoinNode { Type: JoinType.Inner } join || PythonCalcSplit.HasPython(condition))
            return null;
        var width = join.Left.Fields.Count;
        var all = join.LeftKeys.Select((l, i) => (BoundExpr)new CallExpr(join.IsNullSafe(i) ? NullSafeEquals : "=",
                [new InputRef(l, join.Left.Fields[l].Type), new InputRef(width + join.RightKeys[i], join.Right.Fields[join.RightKeys[i]].Type)], SqlType.Boolean))
            .Concat(join.Residual is null ? [] : [join.Residual])
            .Append(condition).ToList();
        var filtered = MakeJoin(join.Left, join.Right, JoinType.Inner, And(all), at);
        if (ReferenceEquals(node, input))
            return filtered;
        // The same columns under the star's names; their types are the new join's (an interval join keeps time attributes).
        return new CalcNode(filtered, null, Identity(filtered), star!.Output.Select((f, i) => f with { Type = filtered.Fields[i].Type }).ToArray());
    }

    private const string NullSafeEquals = "IS NOT DISTINCT FROM";

    private enum JoinSide { Neither, Left, Right, Both }

    private static JoinSide SideOf(BoundExpr expr, int leftWidth)
    {
        var side = JoinSide.Neither;
        void Visit(BoundExpr e)
        {
            switch (e)
            {
                case InputRef r:
                    var here = r.Index < leftWidth ? JoinSide.Left : JoinSide.Right;
                    side = side == JoinSide.Neither || side == here ? here : JoinSide.Both;
                    break;
                case CallExpr c:
                    foreach (var o in c.Operands)
                        Visit(o);
                    break;
            }
        }

        Visit(expr);
        return side;
    }

    /// <summary>Whether two key types hash and compare alike: one kind, one precision and scale (nullability aside).</summary>
    private static bool SameKeyType(SqlType a, SqlType b) =>
        a.SameRootAndParameters(b) || (a.Kind == b.Kind && a.Kind is not (SqlTypeKind.Decimal or SqlTypeKind.Char or SqlTypeKind.Binary) && a.ClrType == b.ClrType);

    /// <summary>The column of a key: its own when it is a column of the key type, else a new column computing it.</summary>
    private static int KeyColumn(BoundExpr key, SqlType keyType, int width, List<BoundExpr> extra)
    {
        if (key is InputRef r && SameKeyType(r.Type, keyType))
            return r.Index;
        var computed = CastTo(key, keyType.AsNullable(key.Type.Nullable));
        var existing = extra.IndexOf(computed);
        if (existing >= 0)
            return width + existing;
        extra.Add(computed);
        return width + extra.Count - 1;
    }

    private static PlanNode WithColumns(PlanNode input, IReadOnlyList<BoundExpr> extra, string prefix) =>
        extra.Count == 0
            ? input
            : new CalcNode(input, null, [.. Identity(input), .. extra], [.. input.Fields, .. extra.Select((e, i) => new PlanField($"{prefix}{i}", e.Type))]);

    /// <summary>The expression with column references at or after <paramref name="from"/> moved by <paramref name="by"/>.</summary>
    private static BoundExpr Shift(BoundExpr expr, int by, int from = 0) => expr switch
    {
        InputRef r when r.Index >= from => r with { Index = r.Index + by },
        CallExpr c => c with { Operands = c.Operands.Select(o => Shift(o, by, from)).ToArray() },
        _ => expr,
    };
}
