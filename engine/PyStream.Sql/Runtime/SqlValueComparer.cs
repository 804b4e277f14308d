using PyStream.Sql.Types;

namespace PyStream.Sql.Runtime;

/// <summary>Orders values of one SQL type (numbers of mixed CLR types compare by value; strings ordinally, as Java does).</summary>
public sealed class SqlValueComparer : IComparer<object>
{
    public static SqlValueComparer Instance { get; } = new();

    public int Compare(object? x, object? y) => (x, y) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        (string a, string b) => string.CompareOrdinal(a, b),
        (bool a, bool b) => a.CompareTo(b),
        (long a, long b) => a.CompareTo(b),
        (int a, int b) => a.CompareTo(b),
        (byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b),
        (double or float, _) or (_, double or float) => Convert.ToDouble(x, System.Globalization.CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(y, System.Globalization.CultureInfo.InvariantCulture)),
        (decimal or long or int or short or sbyte, decimal or long or int or short or sbyte) => Convert.ToDecimal(x, System.Globalization.CultureInfo.InvariantCulture).CompareTo(Convert.ToDecimal(y, System.Globalization.CultureInfo.InvariantCulture)),
        (IComparable a, _) => a.CompareTo(y),
        _ => throw new SqlTypeException($"cannot compare {x.GetType().Name} with {y.GetType().Name}"),
    };
}
