namespace PyStream.Network.Wire;

/// <summary>A frame on a network channel that is not a batch or event in PyStream's wire format.</summary>
public sealed class WireFormatException(string message) : PyStream.Engine.PyStreamException(message);
