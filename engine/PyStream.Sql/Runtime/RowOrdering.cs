using PyStream.Sql.Planning;

namespace PyStream.Sql.Runtime;

/// <summary>Orders rows (boxed values) by sort keys: each key ascending or descending, with its nulls first or last.</summary>
public sealed class RowOrdering(IReadOnlyList<SortKey> keys) : IComparer<object?[]>
{
    public int Compare(object?[]? a, object?[]? b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        foreach (var key in keys)
        {
            var (x, y) = (a[key.Column], b[key.Column]);
            int order;
            if (x is null || y is null)
                order = x is null && y is null ? 0 : (x is null) == key.NullsFirst ? -1 : 1;
            else
                order = key.Descending ? SqlValueComparer.Instance.Compare(y, x) : SqlValueComparer.Instance.Compare(x, y);
            if (order != 0)
                return order;
        }

        return 0;
    }
}
