namespace PyStream.Engine.Runtime;

/// <summary>Where an operator's output goes: a chained operator's input or a channel writer.</summary>
public interface IBatchConsumer
{
    void Accept(Batch batch);

    void AcceptWatermark(long watermark);

    void EndOfInput();
}
