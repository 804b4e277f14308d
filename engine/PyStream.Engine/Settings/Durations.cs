using System.Globalization;
using System.Text.RegularExpressions;

namespace PyStream.Engine.Settings;

/// <summary>
/// Flink's duration syntax (its <c>TimeUtils.parseDuration</c>): a whole number and an optional unit,
/// milliseconds without one: <c>500</c>, <c>500 ms</c>, <c>10 s</c>, <c>1 min</c>, <c>2 h</c>, <c>1 d</c>.
/// The one parser of durations: the Python API sends the user's text as given.
/// </summary>
public static partial class Durations
{
    private const long NanosPerTick = 100;

    private static readonly Dictionary<string, long> NanosPerUnit = Units(
        (86_400_000_000_000, ["d", "day", "days"]),
        (3_600_000_000_000, ["h", "hour", "hours"]),
        (60_000_000_000, ["min", "m", "minute", "minutes"]),
        (1_000_000_000, ["s", "sec", "secs", "second", "seconds"]),
        (1_000_000, ["ms", "milli", "millis", "millisecond", "milliseconds"]),
        (1_000, ["µs", "us", "micro", "micros", "microsecond", "microseconds"]),
        (1, ["ns", "nano", "nanos", "nanosecond", "nanoseconds"]));

    /// <summary>The duration <paramref name="text"/> names; a <see cref="PyStreamException"/> naming <paramref name="key"/> and the text when it names none.</summary>
    public static TimeSpan Parse(string text, string key)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = DurationPattern().Match(text.Trim().ToLowerInvariant());
        if (!match.Success)
            throw new PyStreamException($"{key}: '{text}' is not a duration (a whole number with an optional unit, e.g. 500, 500 ms, 10 s, 1 min)");
        var unit = match.Groups[2].Value.Trim();
        if (unit.Length == 0)
            unit = "ms";
        if (!NanosPerUnit.TryGetValue(unit, out var nanosPerUnit))
            throw new PyStreamException($"{key}: unknown time unit '{unit}' in '{text}' (use one of {string.Join(", ", NanosPerUnit.Keys)})");
        if (!long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            throw new PyStreamException($"{key}: '{text}' is too large a duration");
        try
        {
            return TimeSpan.FromTicks(checked(amount * nanosPerUnit) / NanosPerTick);
        }
        catch (OverflowException)
        {
            throw new PyStreamException($"{key}: '{text}' is too large a duration");
        }
    }

    /// <summary>A duration as whole milliseconds (rounded down), as Flink's <c>Duration.toMillis</c>.</summary>
    public static long ToMillis(TimeSpan duration) => duration.Ticks / TimeSpan.TicksPerMillisecond;

    private static Dictionary<string, long> Units(params (long Nanos, string[] Labels)[] units) =>
        units.SelectMany(u => u.Labels.Select(label => (label, u.Nanos))).ToDictionary(u => u.label, u => u.Nanos, StringComparer.Ordinal);

    [GeneratedRegex(@"^(\d+)\s*(\D*)$")]
    private static partial Regex DurationPattern();
}
