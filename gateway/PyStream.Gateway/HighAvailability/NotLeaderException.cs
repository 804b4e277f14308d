using PyStream.Engine;

namespace PyStream.Gateway.HighAvailability;

/// <summary>A job was submitted to a coordinator that does not lead (a standby): send it to the leader.</summary>
public sealed class NotLeaderException()
    : PyStreamException("this gateway is a standby coordinator and runs no jobs: submit to the leader (the Service in front of the coordinators routes to it)");
