namespace PyStream.Engine.Settings;

/// <summary>
/// PyFlink's <c>python.fn-execution.bundle.size</c>: the most records one call into Python
/// gets. Calls are also bounded in time: see the Python segment operator's call sizer.
/// </summary>
public static class PythonCalls
{
    public const string MaxRecordsKey = "python.fn-execution.bundle.size";

    /// <summary>PyFlink's default.</summary>
    public const int DefaultMaxRecords = 100_000;

    public static int MaxRecords(IReadOnlyDictionary<string, string> configuration) =>
        SettingValues.Get(configuration, MaxRecordsKey) is { } text ? SettingValues.Int(text, MaxRecordsKey, minimum: 1) : DefaultMaxRecords;
}
