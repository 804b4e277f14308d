namespace PyStream.Engine.Cep;

/// <summary>
/// The version of a partial match (Flink's <c>DeweyNumber</c>): a branch that splits off
/// adds a stage or increases the last digit, and a shared-buffer edge belongs to every
/// version it is compatible with (a longer version with the same prefix, or the same length
/// with a last digit at least as large). Immutable.
/// </summary>
public sealed class DeweyNumber : IEquatable<DeweyNumber>
{
    private readonly int[] _digits;

    public DeweyNumber(int start) => _digits = [start];

    private DeweyNumber(int[] digits) => _digits = digits;

    public int Length => _digits.Length;

    public int this[int index] => _digits[index];

    public DeweyNumber Increase(int times = 1)
    {
        if (times == 0)
            return this;
        var digits = (int[])_digits.Clone();
        digits[^1] += times;
        return new DeweyNumber(digits);
    }

    public DeweyNumber AddStage()
    {
        var digits = new int[_digits.Length + 1];
        _digits.CopyTo(digits, 0);
        return new DeweyNumber(digits);
    }

    /// <summary>Whether an edge labelled <paramref name="other"/> belongs to this version.</summary>
    public bool IsCompatibleWith(DeweyNumber other)
    {
        if (_digits.Length > other._digits.Length)
            return _digits.AsSpan(0, other._digits.Length).SequenceEqual(other._digits);
        if (_digits.Length < other._digits.Length)
            return false;
        var last = _digits.Length - 1;
        return _digits.AsSpan(0, last).SequenceEqual(other._digits.AsSpan(0, last)) && _digits[last] >= other._digits[last];
    }

    public bool Equals(DeweyNumber? other) => other is not null && _digits.AsSpan().SequenceEqual(other._digits);

    public override bool Equals(object? obj) => Equals(obj as DeweyNumber);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var digit in _digits)
            hash.Add(digit);
        return hash.ToHashCode();
    }

    public override string ToString() => string.Join('.', _digits);

    internal void Write(BinaryWriter writer)
    {
        writer.Write7BitEncodedInt(_digits.Length);
        foreach (var digit in _digits)
            writer.Write7BitEncodedInt(digit);
    }

    internal static DeweyNumber Read(BinaryReader reader)
    {
        var digits = new int[reader.Read7BitEncodedInt()];
        for (var i = 0; i < digits.Length; i++)
            digits[i] = reader.Read7BitEncodedInt();
        return new DeweyNumber(digits);
    }
}
