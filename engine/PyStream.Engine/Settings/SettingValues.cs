using System.Globalization;

namespace PyStream.Engine.Settings;

/// <summary>Reads one configuration value of a type; every refusal names the key and the value as given.</summary>
public static class SettingValues
{
    /// <summary>A configured value, trimmed; null when absent or blank.</summary>
    public static string? Get(IReadOnlyDictionary<string, string> configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.TryGetValue(key, out var value) && value.Trim().Length > 0 ? value.Trim() : null;
    }

    public static int Int(string text, string key, int minimum) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new PyStreamException($"{key}: '{text}' is not an integer >= {minimum}");

    public static double Number(string text, string key) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new PyStreamException($"{key}: '{text}' is not a number");

    public static bool Bool(string text, string key) => text.Trim().ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw new PyStreamException($"{key}: '{text}' is not true or false"),
    };

    /// <summary>An enum member by Flink's name in any case, with or without <c>_</c> and <c>-</c> (<c>AT_LEAST_ONCE</c>, <c>at-least-once</c>).</summary>
    public static T Enum<T>(string text, string key)
        where T : struct, System.Enum =>
        System.Enum.TryParse<T>(text.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var value)
            && System.Enum.IsDefined(value)
            ? value
            : throw new PyStreamException($"{key}: '{text}' is not one of {string.Join(", ", System.Enum.GetValues<T>().Select(FlinkName))}");

    /// <summary>A member's name as Flink spells it: <c>AtLeastOnce</c> is <c>AT_LEAST_ONCE</c>.</summary>
    public static string FlinkName<T>(T value)
        where T : struct, System.Enum =>
        string.Concat(value.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));
}
