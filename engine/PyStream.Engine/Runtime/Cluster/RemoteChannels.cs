using PyStream.Engine.UserCode;

namespace PyStream.Engine.Runtime.Cluster;

/// <summary>
/// A worker's network channels to subtasks in other processes (<c>PyStream.Network</c> implements it, one per
/// process): a producer writes a remote consumer's subpartition as it writes a local gate; a consumer reads
/// a remote producer's subpartition into one channel of its gate.
/// </summary>
public abstract class RemoteChannels
{
    /// <summary>Subpartition <paramref name="subpartition"/> of <paramref name="partition"/>, served to the consumer that requests it.</summary>
    internal abstract IChannelTarget Output(string partition, int subpartition, IPythonBatchWire? python);

    /// <summary>Reads a producer's subpartition into channel <paramref name="channel"/> of <paramref name="gate"/> until its end of partition.</summary>
    internal abstract Task ReadAsync(Uri producer, string partition, int subpartition, InputGate gate, int channel, IPythonBatchWire? python,
        CancellationToken cancellation);

    /// <summary>Forgets the subpartitions of an attempt that ended, whether or not a consumer read them.</summary>
    public abstract void Release(string attemptId);
}
