namespace PyStream.Engine.Telemetry;

/// <summary>What a user metric is (PyFlink's metric types).</summary>
public enum UserMetricKind
{
    Counter,
    Meter,
    Gauge,
    Distribution,
}
