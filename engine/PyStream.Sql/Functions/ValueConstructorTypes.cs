using PyStream.Sql.Types;
using static PyStream.Sql.Functions.Signature;

namespace PyStream.Sql.Functions;

/// <summary>Types of ROW, ARRAY and MAP constructors and of element access.</summary>
internal static class ValueConstructorTypes
{
    public static IEnumerable<KeyValuePair<string, Signature>> Signatures()
    {
        yield return Define("ROW", 1, int.MaxValue, c =>
            SqlType.Row(c.Types.Select((t, i) => new SqlField($"EXPR${i}", t)).ToArray()).NotNull);
        yield return Define("ARRAY", 1, int.MaxValue, c => TypeMerging.LeastRestrictive(c.Types) is { } element ? SqlType.Array(element).NotNull : null);
        yield return Define("MAP", 2, int.MaxValue, Map);
        yield return Define("ITEM", 2, 2, Item);
        yield return Define("CARDINALITY", 1, 1, c => c.Types[0].Kind is SqlTypeKind.Array or SqlTypeKind.Map or SqlTypeKind.Multiset
            ? c.Strict(SqlType.Int) : null);
    }

    private static SqlType? Map(Call c)
    {
        if (c.Types.Length % 2 != 0)
            return null;
        var key = TypeMerging.LeastRestrictive(c.Types.Where((_, i) => i % 2 == 0));
        var value = TypeMerging.LeastRestrictive(c.Types.Where((_, i) => i % 2 == 1));
        return key is null || value is null ? null : SqlType.Map(key, value).NotNull;
    }

    /// <summary>arr[i] (1-based, NULL when out of range) and map[key] (NULL when absent).</summary>
    private static SqlType? Item(Call c)
    {
        var (container, index) = (c.Types[0], c.Types[1]);
        return container.Kind switch
        {
            SqlTypeKind.Array when index.IsInteger => container.Element!.AsNullable(),
            SqlTypeKind.Map when TypeMerging.Comparable(container.Element!, index, equalityOnly: true) => container.Value!.AsNullable(),
            _ => null,
        };
    }
}
