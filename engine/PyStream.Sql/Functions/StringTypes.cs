using PyStream.Sql.Types;
using static PyStream.Sql.Functions.Signature;

namespace PyStream.Sql.Functions;

/// <summary>Types of the string functions.</summary>
internal static class StringTypes
{
    private static readonly SqlType Str = SqlType.String;

    public static IEnumerable<KeyValuePair<string, Signature>> Signatures()
    {
        foreach (var name in new[] { "UPPER", "LOWER", "INITCAP" })
            yield return Define(name, 1, 1, c => c.All(Family.Character) ? Character(c.Types[0]) : null);
        foreach (var name in new[] { "CHAR_LENGTH", "CHARACTER_LENGTH", "ASCII" })
            yield return Define(name, 1, 1, c => c.All(Family.Character) ? c.Strict(SqlType.Int) : null);
        yield return Define("||", 2, 2, Concatenation);
        yield return Define("CONCAT", 1, int.MaxValue, c => c.All(Family.Character) ? c.Strict(Str) : null);
        yield return Define("CONCAT_WS", 1, int.MaxValue, c => c.All(Family.Character) ? Str.AsNullable(c.Types[0].Nullable) : null);
        foreach (var name in new[] { "REVERSE", "MD5", "SHA1", "SHA256", "TO_BASE64", "FROM_BASE64", "LTRIM", "RTRIM" })
            yield return Define(name, 1, 1, c => c.All(Family.Character) ? c.Strict(Str) : null);
        yield return Define("REPLACE", 3, 3, c => c.All(Family.Character) ? c.Strict(Str) : null);
        yield return Define("REGEXP_REPLACE", 3, 3, c => c.All(Family.Character) ? c.Strict(Str) : null);
        yield return Define("REGEXP", 2, 2, c => c.All(Family.Character) ? c.Strict(SqlType.Boolean) : null);
        yield return Define("REGEXP_EXTRACT", 2, 3, c => c.Is(0, Family.Character) && c.Is(1, Family.Character)
            && (c.Types.Length < 3 || c.Is(2, Family.Integer)) ? Str : null);
        foreach (var name in new[] { "LPAD", "RPAD" })
            yield return Define(name, 3, 3, c => c.Is(0, Family.Character) && c.Is(1, Family.Integer) && c.Is(2, Family.Character) ? Str : null);
        yield return Define("REPEAT", 2, 2, c => c.Is(0, Family.Character) && c.Is(1, Family.Integer) ? c.Strict(Str) : null);
        foreach (var name in new[] { "LEFT", "RIGHT" })
            yield return Define(name, 2, 2, c => c.Is(0, Family.Character) && c.Is(1, Family.Integer) ? c.Strict(Str) : null);
        yield return Define("SPLIT_INDEX", 3, 3, c => c.Is(0, Family.Character) && c.Is(1, Family.Character) && c.Is(2, Family.Integer) ? Str : null);
        foreach (var name in new[] { "SUBSTRING", "SUBSTR" })
            yield return Define(name, 2, 3, c => c.Is(0, Family.Character) && c.All(Family.Integer, 1) ? c.Strict(Str) : null);
        yield return Define("POSITION", 2, 3, c => c.Is(0, Family.Character) && c.Is(1, Family.Character) && c.All(Family.Integer, 2) ? c.Strict(SqlType.Int) : null);
        yield return Define("LOCATE", 2, 3, c => c.Is(0, Family.Character) && c.Is(1, Family.Character) && c.All(Family.Integer, 2) ? c.Strict(SqlType.Int) : null);
        yield return Define("TRIM", 3, 3, c => c.LiteralString(0) is "BOTH" or "LEADING" or "TRAILING" && c.All(Family.Character, 1) ? c.Strict(Str) : null);
        yield return Define("OVERLAY", 3, 4, c => c.Is(0, Family.Character) && c.Is(1, Family.Character) && c.All(Family.Integer, 2) ? c.Strict(Str) : null);
        yield return Define("CHR", 1, 1, c => c.All(Family.Integer) ? c.Strict(Str) : null);
        yield return Define("UUID", 0, 0, _ => SqlType.Char(36).NotNull);
        yield return Define("JSON_VALUE", 2, 2, c => c.All(Family.Character) ? Str : null);
        yield return Define("JSON_QUERY", 2, 2, c => c.All(Family.Character) ? Str : null);
        yield return Define("JSON_EXISTS", 2, 2, c => c.All(Family.Character) ? c.Strict(SqlType.Boolean) : null);
    }

    /// <summary>UPPER and its kin keep their operand's type (CHAR(3) stays CHAR(3)).</summary>
    private static SqlType Character(SqlType operand) =>
        operand.Kind == SqlTypeKind.Null ? Str : operand with { TimeAttribute = TimeAttribute.None };

    /// <summary>a || b: the lengths add up; CHAR only when both are.</summary>
    private static SqlType? Concatenation(Call c)
    {
        if (!c.All(Family.Character))
            return null;
        var (a, b) = (c.Types[0], c.Types[1]);
        var length = (long)(a.Kind == SqlTypeKind.Null ? 0 : a.Precision) + (b.Kind == SqlTypeKind.Null ? 0 : b.Precision);
        var capped = (int)Math.Clamp(length, 1, SqlType.MaxLength);
        var result = a.Kind == SqlTypeKind.Char && b.Kind == SqlTypeKind.Char ? SqlType.Char(capped) : SqlType.Varchar(capped);
        return c.Strict(result);
    }
}
