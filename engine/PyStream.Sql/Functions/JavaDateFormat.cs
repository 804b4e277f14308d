using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace PyStream.Sql.Functions;

/// <summary>
/// A Java SimpleDateFormat pattern ('yyyy-MM-dd HH:mm:ss.SSS', 'EEE, d MMM yyyy'), parsed once:
/// y M d H h k K m s S E a D and quoted text; formats and parses wall-clock times.
/// </summary>
public sealed class JavaDateFormat
{
    private static readonly ConcurrentDictionary<string, JavaDateFormat> Cache = new(StringComparer.Ordinal);

    private readonly List<(char Letter, int Count, string Literal)> parts;

    private JavaDateFormat(string pattern)
    {
        Pattern = pattern;
        parts = Tokenize(pattern);
    }

    public string Pattern { get; }

    /// <summary>The parsed pattern, shared by every call site (patterns are few; the cache stops growing at 1024).</summary>
    public static JavaDateFormat For(string pattern)
    {
        if (Cache.TryGetValue(pattern, out var format))
            return format;
        format = new JavaDateFormat(pattern);
        if (Cache.Count < 1024)
            Cache[pattern] = format;
        return format;
    }

    public string Format(DateTime time)
    {
        var text = new StringBuilder();
        foreach (var (letter, count, literal) in parts)
        {
            switch (letter)
            {
                case '\0': text.Append(literal); break;
                case 'y': text.Append(count == 2 ? Pad(time.Year % 100, 2) : Pad(time.Year, count)); break;
                case 'M' or 'L':
                    text.Append(count switch
                    {
                        >= 4 => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(time.Month),
                        3 => CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(time.Month),
                        _ => Pad(time.Month, count),
                    });
                    break;
                case 'd': text.Append(Pad(time.Day, count)); break;
                case 'D': text.Append(Pad(time.DayOfYear, count)); break;
                case 'H': text.Append(Pad(time.Hour, count)); break;
                case 'k': text.Append(Pad(time.Hour == 0 ? 24 : time.Hour, count)); break;
                case 'K': text.Append(Pad(time.Hour % 12, count)); break;
                case 'h': text.Append(Pad(time.Hour % 12 == 0 ? 12 : time.Hour % 12, count)); break;
                case 'm': text.Append(Pad(time.Minute, count)); break;
                case 's': text.Append(Pad(time.Second, count)); break;
                case 'S': text.Append(Pad(time.Millisecond, count)); break;
                case 'E':
                    text.Append(count >= 4
                        ? CultureInfo.InvariantCulture.DateTimeFormat.GetDayName(time.DayOfWeek)
                        : CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedDayName(time.DayOfWeek));
                    break;
                case 'u': text.Append(Pad(time.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)time.DayOfWeek, count)); break;
                case 'a': text.Append(time.Hour < 12 ? "AM" : "PM"); break;
                case 'w': text.Append(Pad(ISOWeek.GetWeekOfYear(time), count)); break;
                case 'Z': text.Append("+0000"); break;
                case 'X': text.Append('Z'); break;
                default: throw new SqlRuntimeException($"Unsupported letter '{letter}' in the date pattern '{Pattern}'");
            }
        }

        return text.ToString();
    }

    /// <summary>Reads the whole of <paramref name="text"/>; missing fields default to 1970-01-01 00:00:00.</summary>
    public bool TryParse(string text, out DateTime time)
    {
        time = default;
        int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0, dayOfYear = 0;
        var pm = (bool?)null;
        var at = 0;
        for (var p = 0; p < parts.Count; p++)
        {
            var (letter, count, literal) = parts[p];
            if (letter == '\0')
            {
                if (string.CompareOrdinal(text, at, literal, 0, literal.Length) != 0)
                    return false;
                at += literal.Length;
                continue;
            }

            if (letter is 'M' && count >= 3 || letter is 'E' or 'a')
            {
                if (!ReadName(text, ref at, letter, count, out var index))
                    return false;
                if (letter == 'M')
                    month = index + 1;
                else if (letter == 'a')
                    pm = index == 1;
                continue;
            }

            // Adjacent numeric fields (yyyyMMdd) take exactly their width; otherwise as many digits as there are.
            var nextIsNumber = p + 1 < parts.Count && parts[p + 1].Letter is not '\0' and not 'a' and not 'E';
            if (!ReadNumber(text, ref at, nextIsNumber ? count : 9, out var value))
                return false;
            switch (letter)
            {
                case 'y': year = count == 2 && value < 100 ? 2000 + value : value; break;
                case 'M' or 'L': month = value; break;
                case 'd': day = value; break;
                case 'D': dayOfYear = value; break;
                case 'H' or 'k' or 'K' or 'h': hour = letter == 'k' && value == 24 || letter == 'h' && value == 12 ? 0 : value; break;
                case 'm': minute = value; break;
                case 's': second = value; break;
                case 'S': millis = value; break;
                default: return false;
            }
        }

        if (at != text.Length)
            return false;
        if (pm == true)
            hour += 12;
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59 || millis > 999)
            return false;
        time = dayOfYear > 0
            ? new DateTime(year, 1, 1, hour, minute, second, millis).AddDays(dayOfYear - 1)
            : new DateTime(year, month, day, hour, minute, second, millis);
        return true;
    }

    private static bool ReadNumber(string text, ref int at, int maxDigits, out int value)
    {
        value = 0;
        var start = at;
        while (at < text.Length && at - start < maxDigits && char.IsAsciiDigit(text[at]))
            value = value * 10 + (text[at++] - '0');
        return at > start;
    }

    private static bool ReadName(string text, ref int at, char letter, int count, out int index)
    {
        var info = CultureInfo.InvariantCulture.DateTimeFormat;
        string[] names = letter switch
        {
            'M' => count >= 4 ? info.MonthNames : info.AbbreviatedMonthNames,
            'E' => count >= 4 ? info.DayNames : info.AbbreviatedDayNames,
            _ => ["AM", "PM"],
        };
        for (index = 0; index < names.Length; index++)
        {
            var name = names[index];
            if (name.Length > 0 && string.Compare(text, at, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                at += name.Length;
                return true;
            }
        }

        return false;
    }

    private static string Pad(int value, int width) => value.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');

    private static List<(char, int, string)> Tokenize(string pattern)
    {
        var result = new List<(char, int, string)>();
        for (var i = 0; i < pattern.Length;)
        {
            var c = pattern[i];
            if (c == '\'')
            {
                // 'text' is literal, and '' is a quote, inside quotes or out.
                var literal = new StringBuilder();
                if (i + 1 < pattern.Length && pattern[i + 1] == '\'')
                {
                    result.Add(('\0', 0, "'"));
                    i += 2;
                    continue;
                }

                i++;
                while (true)
                {
                    if (i >= pattern.Length)
                        throw new SqlRuntimeException($"Unterminated quote in the date pattern '{pattern}'");
                    if (pattern[i] == '\'' && i + 1 < pattern.Length && pattern[i + 1] == '\'')
                    {
                        literal.Append('\'');
                        i += 2;
                    }
                    else if (pattern[i] == '\'')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        literal.Append(pattern[i++]);
                    }
                }

                result.Add(('\0', 0, literal.ToString()));
            }
            else if (char.IsAsciiLetter(c))
            {
                var start = i;
                while (i < pattern.Length && pattern[i] == c)
                    i++;
                if ("yMLdDHkKhmsSEuawZX".IndexOf(c, StringComparison.Ordinal) < 0)
                    throw new SqlRuntimeException($"Unsupported letter '{c}' in the date pattern '{pattern}'");
                result.Add((c, i - start, ""));
            }
            else
            {
                result.Add(('\0', 0, c.ToString()));
                i++;
            }
        }

        return result;
    }
}
