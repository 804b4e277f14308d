namespace PyStream.Engine.Runtime;

/// <summary>
/// Where an <see cref="EdgeWriter"/> writes one consumer's events: the consumer's <see cref="InputGate"/>
/// in this process, or a network channel to a consumer in another process. A target that has no room
/// blocks the writer, which is backpressure either way.
/// </summary>
internal interface IChannelTarget
{
    /// <summary>The most records the consumer wants in one batch (read by the producers' threads).</summary>
    int BatchLimit { get; }

    /// <summary>Writes one event if there is room now.</summary>
    bool TryWrite(InputEvent inputEvent);

    /// <summary>Writes one event; returns how long the producer was held back (ms).</summary>
    double Write(InputEvent inputEvent, CancellationToken cancellation);
}
