using System.Collections;

namespace PyStream.Sql.Functions;

/// <summary>ROW, ARRAY and MAP values (object?[] and Dictionary, see <see cref="Types.SqlType"/>), element access and deep equality.</summary>
public static class ValueConstructors
{
    /// <summary>MAP[k1, v1, k2, v2, ...]; a later duplicate key wins.</summary>
    public static Dictionary<object, object?> Map(object?[] keysAndValues)
    {
        var map = new Dictionary<object, object?>(keysAndValues.Length / 2, DeepComparer.Instance);
        for (var i = 0; i + 1 < keysAndValues.Length; i += 2)
        {
            var key = keysAndValues[i] ?? throw new SqlRuntimeException("A MAP key cannot be NULL");
            map[key] = keysAndValues[i + 1];
        }

        return map;
    }

    /// <summary>array[index], 1-based; NULL out of range.</summary>
    public static object? Item(object array, int index) =>
        array is object?[] items && index >= 1 && index <= items.Length ? items[index - 1] : null;

    public static object? Item(Dictionary<object, object?> map, object key) => map.TryGetValue(key, out var value) ? value : LookUp(map, key);

    public static int Cardinality(object value) => value switch
    {
        object?[] items => items.Length,
        ICollection collection => collection.Count,
        _ => throw new SqlRuntimeException($"CARDINALITY of a {value.GetType().Name}"),
    };

    public static bool DeepEquals(object? a, object? b)
    {
        if (a is null || b is null)
            return a is null && b is null;
        if (a is object?[] x && b is object?[] y)
            return x.Length == y.Length && x.Zip(y).All(p => DeepEquals(p.First, p.Second));
        if (a is byte[] bytesA && b is byte[] bytesB)
            return bytesA.AsSpan().SequenceEqual(bytesB);
        if (a is IDictionary mapA && b is IDictionary mapB)
            return mapA.Count == mapB.Count && mapA.Keys.Cast<object>().All(k => mapB.Contains(k) && DeepEquals(mapA[k], mapB[k]));
        if (IsNumber(a) && IsNumber(b) && a.GetType() != b.GetType())
            return Convert.ToDecimal(a, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToDecimal(b, System.Globalization.CultureInfo.InvariantCulture);
        return a.Equals(b);
    }

    /// <summary>A key of another numeric CLR type than the map's (map[1] on a BIGINT-keyed map).</summary>
    private static object? LookUp(Dictionary<object, object?> map, object key) =>
        IsNumber(key) ? map.FirstOrDefault(e => DeepEquals(e.Key, key)).Value : null;

    private static bool IsNumber(object value) => value is sbyte or short or int or long or float or double or decimal;

    private sealed class DeepComparer : IEqualityComparer<object>
    {
        public static readonly DeepComparer Instance = new();

        public new bool Equals(object? x, object? y) => DeepEquals(x, y);

        public int GetHashCode(object obj) => obj switch
        {
            object?[] items => items.Aggregate(17, (hash, item) => hash * 31 + (item is null ? 0 : GetHashCode(item))),
            byte[] bytes => bytes.Aggregate(17, (hash, b) => hash * 31 + b),
            _ => obj.GetHashCode(),
        };
    }
}
