namespace PyStream.Network.Channels;

/// <summary>A network channel that broke, was refused or broke its protocol: the attempt using it fails.</summary>
public sealed class NetworkChannelException : PyStream.Engine.PyStreamException
{
    public NetworkChannelException(string message) : base(message) { }

    public NetworkChannelException(string message, Exception inner) : base(message, inner) { }
}
