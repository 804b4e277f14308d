namespace PyStream.Engine.Runtime.Operators;

/// <summary>An operator whose calls into Python are sized by their measured time (see <see cref="BatchSizer"/>).</summary>
public interface ICallSized
{
    /// <summary>How many records its next call should get.</summary>
    int RecordsPerCall { get; }
}
