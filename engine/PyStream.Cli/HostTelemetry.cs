using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PyStream.Engine.Telemetry;

namespace PyStream.Cli;

/// <summary>
/// Sends the engine's spans and metrics over OTLP when the standard <c>OTEL_EXPORTER_OTLP_*</c>
/// variables name an endpoint (the exporter reads them, and <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_METRIC_EXPORT_INTERVAL</c> and the rest). Disposing flushes what is left.
/// </summary>
internal sealed class HostTelemetry : IDisposable
{
    private static readonly string[] EndpointVariables =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];

    private readonly TracerProvider? _traces;
    private readonly MeterProvider? _metrics;

    private HostTelemetry(TracerProvider? traces, MeterProvider? metrics)
    {
        _traces = traces;
        _metrics = metrics;
    }

    public static HostTelemetry Start()
    {
        if (!EndpointVariables.Any(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v))))
            return new HostTelemetry(null, null);
        var traces = Sdk.CreateTracerProviderBuilder().AddSource(EngineTelemetry.SourceName).AddOtlpExporter().Build();
        var metrics = Sdk.CreateMeterProviderBuilder().AddMeter(EngineTelemetry.MeterName).AddOtlpExporter().Build();
        return new HostTelemetry(traces, metrics);
    }

    public void Dispose()
    {
        _traces?.ForceFlush(5_000);
        _metrics?.ForceFlush(5_000);
        _traces?.Dispose();
        _metrics?.Dispose();
    }
}
