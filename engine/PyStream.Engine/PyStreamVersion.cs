namespace PyStream.Engine;

/// <summary>
/// The version every PyStream process reports (python/pyproject.toml has the same): the gateway in
/// REST, a worker when it registers, so a coordinator can refuse a worker of another release.
/// </summary>
public static class PyStreamVersion
{
    public const string Current = "0.1.0";
}
