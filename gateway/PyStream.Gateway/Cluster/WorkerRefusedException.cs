using Grpc.Core;
using PyStream.Engine;

namespace PyStream.Gateway.Cluster;

/// <summary>A worker the coordinator will not admit, with the gRPC status the worker receives.</summary>
public sealed class WorkerRefusedException(StatusCode code, string message) : PyStreamException(message)
{
    public StatusCode Code { get; } = code;
}
