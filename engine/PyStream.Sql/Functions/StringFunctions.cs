using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PyStream.Sql.Functions;

/// <summary>
/// Flink's string functions on non-null operands (the compiled code handles NULL before calling);
/// positions are 1-based and count characters.
/// </summary>
public static class StringFunctions
{
    public static string Upper(string s) => s.ToUpperInvariant();

    public static string Lower(string s) => s.ToLowerInvariant();

    /// <summary>Counts code points, as Flink counts the characters of its UTF-8 strings.</summary>
    public static int CharLength(string s)
    {
        var count = s.Length;
        for (var i = 0; i < s.Length - 1; i++)
        {
            if (char.IsHighSurrogate(s[i]) && char.IsLowSurrogate(s[i + 1]))
            {
                count--;
                i++;
            }
        }

        return count;
    }

    public static string Concat(string[] parts) => string.Concat(parts);

    /// <summary>CONCAT_WS skips NULL arguments (never the separator, which the caller checks).</summary>
    public static string ConcatWs(string separator, string?[] parts) => string.Join(separator, parts.Where(p => p is not null));

    /// <summary>Upper-cases the first letter of each word, lower-cases the rest.</summary>
    public static string InitCap(string s)
    {
        var chars = s.ToCharArray();
        var startOfWord = true;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            chars[i] = startOfWord ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
            startOfWord = !char.IsLetterOrDigit(c);
        }

        return new string(chars);
    }

    public static string Replace(string s, string search, string replacement) =>
        search.Length == 0 ? s : s.Replace(search, replacement, StringComparison.Ordinal);

    /// <summary>SUBSTRING(s FROM start [FOR length]): 1-based; a negative start counts from the end.</summary>
    public static string Substring(string s, int start, int length)
    {
        if (length < 0)
            return "";
        long from = start > 0 ? start - 1 : start < 0 ? s.Length + start : 0;
        var to = Math.Min(s.Length, from + length);
        from = Math.Max(0, from);
        return from >= to ? "" : s[(int)from..(int)to];
    }

    public static string Substring(string s, int start) => Substring(s, start, int.MaxValue);

    /// <summary>POSITION(needle IN haystack): 1-based, 0 when absent.</summary>
    public static int Position(string needle, string haystack) => haystack.IndexOf(needle, StringComparison.Ordinal) + 1;

    public static int Locate(string needle, string haystack, int start)
    {
        if (start < 1 || start > haystack.Length + 1)
            return 0;
        return haystack.IndexOf(needle, start - 1, StringComparison.Ordinal) + 1;
    }

    /// <summary>TRIM(BOTH|LEADING|TRAILING chars FROM s): removes any of the characters in <paramref name="characters"/>.</summary>
    public static string Trim(string side, string characters, string s)
    {
        var set = characters.ToCharArray();
        return side switch
        {
            "LEADING" => s.TrimStart(set),
            "TRAILING" => s.TrimEnd(set),
            _ => s.Trim(set),
        };
    }

    public static string LTrim(string s) => s.TrimStart(' ');

    public static string RTrim(string s) => s.TrimEnd(' ');

    /// <summary>OVERLAY(s PLACING r FROM start [FOR length]); the length defaults to r's.</summary>
    public static string Overlay(string s, string replacement, int start, int length)
    {
        var from = Math.Clamp(start - 1, 0, s.Length);
        var to = Math.Clamp((long)from + Math.Max(length, 0), from, s.Length);
        return string.Concat(s.AsSpan(0, from), replacement, s.AsSpan((int)to));
    }

    public static string Overlay(string s, string replacement, int start) => Overlay(s, replacement, start, replacement.Length);

    /// <summary>LPAD: NULL for a negative length or an empty pad; cut to the length when longer.</summary>
    public static string? LPad(string s, int length, string pad) => Pad(s, length, pad, left: true);

    public static string? RPad(string s, int length, string pad) => Pad(s, length, pad, left: false);

    public static string Repeat(string s, int times) => times <= 0 ? "" : new StringBuilder(s.Length * times).Insert(0, s, times).ToString();

    public static string Reverse(string s)
    {
        var chars = s.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
    }

    /// <summary>SPLIT_INDEX(s, separator, index): the 0-based piece, NULL when there is none.</summary>
    public static string? SplitIndex(string s, string separator, int index)
    {
        if (index < 0 || separator.Length == 0)
            return null;
        var pieces = s.Split(separator, StringSplitOptions.None);
        return index < pieces.Length ? pieces[index] : null;
    }

    public static string Left(string s, int length) => length <= 0 ? "" : s[..Math.Min(length, s.Length)];

    public static string Right(string s, int length) => length <= 0 ? "" : s[Math.Max(0, s.Length - length)..];

    public static int Ascii(string s) => s.Length == 0 ? 0 : s[0];

    /// <summary>The character of the low 8 bits; empty for a negative code.</summary>
    public static string Chr(long code) => code < 0 ? "" : ((char)(code & 0xFF)).ToString();

    public static string Md5(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));

    public static string Sha1(string s) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(s)));

    public static string Sha256(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));

    public static string ToBase64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    public static string? FromBase64(string s)
    {
        var buffer = new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : null;
    }

    public static string Uuid() => Guid.NewGuid().ToString();

    /// <summary>The ordinal comparison Flink applies to strings (by code unit, which orders like its UTF-8 bytes outside surrogates).</summary>
    public static int Compare(string a, string b) => string.CompareOrdinal(a, b);

    public static int Compare(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);

    /// <summary>CAST to CHAR(n) pads with spaces and cuts; to VARCHAR(n) cuts.</summary>
    public static string FitLength(string s, int length, bool pad)
    {
        if (s.Length > length)
            return s[..length];
        return pad && s.Length < length ? s.PadRight(length) : s;
    }

    public static byte[] FitLength(byte[] bytes, int length, bool pad)
    {
        if (bytes.Length > length)
            return bytes[..length];
        if (!pad || bytes.Length == length)
            return bytes;
        var padded = new byte[length];
        bytes.CopyTo(padded, 0);
        return padded;
    }

    internal static string Invariant(IFormattable value, string? format = null) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string? Pad(string s, int length, string pad, bool left)
    {
        if (length < 0 || pad.Length == 0)
            return null;
        if (length <= s.Length)
            return s[..length];
        var builder = new StringBuilder(length);
        var missing = length - s.Length;
        if (!left)
            builder.Append(s);
        for (var i = 0; i < missing; i++)
            builder.Append(pad[i % pad.Length]);
        if (left)
            builder.Append(s);
        return builder.ToString();
    }
}
