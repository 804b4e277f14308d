namespace PyStream.Engine;

/// <summary>The root of every error the engine raises on purpose.</summary>
public class PyStreamException : Exception
{
    public PyStreamException(string message) : base(message) { }

    public PyStreamException(string message, Exception inner) : base(message, inner) { }
}
