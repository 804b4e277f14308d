namespace PyStream.Engine.Cep;

/// <summary>A pattern the NFA compiler refuses, naming the construct at fault.</summary>
public sealed class CepPatternException(string message) : PyStreamException(message);
