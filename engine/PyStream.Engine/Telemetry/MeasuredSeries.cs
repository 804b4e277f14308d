namespace PyStream.Engine.Telemetry;

/// <summary>
/// One series of an instrument on the <c>PyStream.Runtime</c> meter: its name, how it is read and its
/// tags (a subtask's <c>job</c>, <c>job_id</c>, <c>vertex</c>, <c>task</c>, <c>subtask</c>, and a user
/// metric's <c>operator</c> and groups). <paramref name="Id"/> names it within the process that measured it.
/// </summary>
public sealed record MeasuredSeries(uint Id, string Instrument, MeasurementKind Kind, IReadOnlyList<KeyValuePair<string, object?>> Tags);
