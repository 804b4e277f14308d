using PyStream.Engine.Records;

namespace PyStream.Engine.Windowing;

/// <summary>Window contents and the window function of one window operator, driven by its actions.</summary>
public interface IWindowContents : IDisposable
{
    void Open();

    /// <summary>
    /// Carries out <paramref name="actions"/> (see <see cref="WindowActions"/>) in order and
    /// returns what they produced: results (port 0), late records (port 1) and side outputs
    /// (ports 2 and up; fewer entries than ports: nothing there). Records come
    /// with actions caused by records (and are owned from then on); keys with those caused by timers.
    /// </summary>
    Batch?[] Apply(Batch? records, ReadOnlyMemory<long> actions, IReadOnlyList<byte[]>? keys, long watermark);

    /// <summary>Before a snapshot: contents cached in Python go to the engine's store.</summary>
    void PrepareSnapshot();

    void Close();
}
