using PyStream.Engine.Spec;

namespace PyStream.Gateway.HighAvailability;

/// <summary>A job found in the high-availability storage: its id, its JobSpec, and its latest completed checkpoint (null: none yet).</summary>
public sealed record StoredJob(string JobId, JobSpec Spec, string? LatestCheckpoint);
