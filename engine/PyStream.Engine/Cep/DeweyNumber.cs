namespace PyStream.Engine.Cep;

/// <summary>
/// The version of a partial match (Flink's <c>DeweyNumber</c>): a branch that splits off
/// adds a stage or increases the last digit, and a shared-buffer edge belongs to every
/// version it is compatible with (a longer version with the same prefix, or the same length
/// with a last digit at least as large). Immutable; up to <see cref="InlineDigits"/> digits
/// are held in the value itself, so versions of short patterns cost no allocation.
/// </summary>
public readonly struct DeweyNumber : IEquatable<DeweyNumber>
{
    private const int InlineDigits = 4;

    private readonly int _length;
    private readonly int _d0;
    private readonly int _d1;
    private readonly int _d2;
    private readonly int _d3;

    /// <summary>Every digit, when there are more than fit inline.</summary>
    private readonly int[]? _digits;

    public DeweyNumber(int start)
    {
        _length = 1;
        _d0 = start;
    }

    private DeweyNumber(ReadOnlySpan<int> digits)
    {
        _length = digits.Length;
        if (digits.Length > InlineDigits)
        {
            _digits = digits.ToArray();
            return;
        }

        _d0 = digits[0];
        _d1 = digits.Length > 1 ? digits[1] : 0;
        _d2 = digits.Length > 2 ? digits[2] : 0;
        _d3 = digits.Length > 3 ? digits[3] : 0;
    }

    public int Length => _length;

    public int this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_length, nameof(index));
            return _digits?[index] ?? index switch
            {
                0 => _d0,
                1 => _d1,
                2 => _d2,
                _ => _d3,
            };
        }
    }

    public DeweyNumber Increase(int times = 1)
    {
        if (times == 0)
            return this;
        Span<int> digits = _length <= 64 ? stackalloc int[_length] : new int[_length];
        CopyTo(digits);
        digits[^1] += times;
        return new DeweyNumber(digits);
    }

    public DeweyNumber AddStage()
    {
        Span<int> digits = _length < 64 ? stackalloc int[_length + 1] : new int[_length + 1];
        CopyTo(digits);
        digits[^1] = 0;
        return new DeweyNumber(digits);
    }

    /// <summary>Whether an edge labelled <paramref name="other"/> belongs to this version.</summary>
    public bool IsCompatibleWith(DeweyNumber other)
    {
        if (_length < other._length)
            return false;
        var last = other._length - 1;
        for (var i = 0; i < last; i++)
        {
            if (this[i] != other[i])
                return false;
        }

        return _length > other._length ? this[last] == other[last] : this[last] >= other[last];
    }

    public bool Equals(DeweyNumber other)
    {
        if (_length != other._length)
            return false;
        for (var i = 0; i < _length; i++)
        {
            if (this[i] != other[i])
                return false;
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is DeweyNumber other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (var i = 0; i < _length; i++)
            hash.Add(this[i]);
        return hash.ToHashCode();
    }

    public static bool operator ==(DeweyNumber left, DeweyNumber right) => left.Equals(right);

    public static bool operator !=(DeweyNumber left, DeweyNumber right) => !left.Equals(right);

    public override string ToString()
    {
        Span<int> digits = _length <= 64 ? stackalloc int[_length] : new int[_length];
        CopyTo(digits);
        return string.Join('.', digits.ToArray());
    }

    private void CopyTo(Span<int> digits)
    {
        for (var i = 0; i < _length; i++)
            digits[i] = this[i];
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write7BitEncodedInt(_length);
        for (var i = 0; i < _length; i++)
            writer.Write7BitEncodedInt(this[i]);
    }

    internal static DeweyNumber Read(BinaryReader reader)
    {
        var length = reader.Read7BitEncodedInt();
        if (length < 1)
            throw new PyStreamException($"CEP state: a version has {length} digits");
        Span<int> digits = length <= 64 ? stackalloc int[length] : new int[length];
        for (var i = 0; i < length; i++)
            digits[i] = reader.Read7BitEncodedInt();
        return new DeweyNumber(digits);
    }
}
