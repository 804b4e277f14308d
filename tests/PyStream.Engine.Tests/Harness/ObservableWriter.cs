using System.Text;

namespace PyStream.Engine.Tests.Harness;

/// <summary>
/// A stdout that discards text but reports the first write, and can hold writers until released
/// (a slow consumer).
/// </summary>
internal sealed class ObservableWriter(bool holdWriters = false) : TextWriter
{
    private readonly ManualResetEventSlim _release = new(initialState: !holdWriters);
    private int _writes;

    public ManualResetEventSlim FirstWrite { get; } = new();

    public int Writes => Volatile.Read(ref _writes);

    public override Encoding Encoding => Encoding.UTF8;

    public void Release() => _release.Set();

    public override void Write(string? value)
    {
        Interlocked.Increment(ref _writes);
        FirstWrite.Set();
        _release.Wait();
    }

    public override void Write(char value) => Write(value.ToString());

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _release.Set();
            _release.Dispose();
            FirstWrite.Dispose();
        }

        base.Dispose(disposing);
    }
}
