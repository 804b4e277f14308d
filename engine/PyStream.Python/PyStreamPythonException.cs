using PyStream.Engine;

namespace PyStream.Python;

/// <summary>The embedded Python could not be set up or used.</summary>
public sealed class PyStreamPythonException(string message) : PyStreamException(message);
