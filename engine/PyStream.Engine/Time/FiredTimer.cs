namespace PyStream.Engine.Time;

/// <summary>A timer that fired: its time and the key it was registered for.</summary>
public readonly record struct FiredTimer(long Timestamp, byte[] Key);
