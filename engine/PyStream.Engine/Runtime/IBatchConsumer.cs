using PyStream.Engine.Records;

namespace PyStream.Engine.Runtime;

/// <summary>Where an operator's output goes: a chained operator's input or a channel writer.</summary>
public interface IBatchConsumer
{
    void Accept(Batch batch);

    void AcceptWatermark(long watermark);

    /// <summary>The producer goes idle (no records for a while) or becomes active again.</summary>
    void AcceptWatermarkStatus(bool idle);

    void EndOfInput();
}
