using System.Runtime.CompilerServices;
using PyStream.Engine.Runtime;
using PyStream.Engine.Runtime.Cluster;
using PyStream.Engine.UserCode;
using PyStream.Network.Hosting;

namespace PyStream.Network.Channels;

/// <summary>
/// A worker's network channels as the runtime deploys them: outputs are subpartitions of this worker's
/// <see cref="ResultPartitionRegistry"/> (served by its <see cref="NetworkServer"/>), inputs are remote
/// input channels over <see cref="NetworkConnections"/>, with the floating buffers shared per input gate.
/// </summary>
public sealed class WorkerChannels(ResultPartitionRegistry registry, NetworkConnections connections, string? token) : RemoteChannels
{
    private readonly ConditionalWeakTable<InputGate, FloatingBufferPool> _floating = [];

    internal override IChannelTarget Output(string partition, int subpartition, IPythonBatchWire? python) => registry.RegisterSubpartition(partition, subpartition, python);

    internal override Task ReadAsync(Uri producer, string partition, int subpartition, InputGate gate, int channel, IPythonBatchWire? python,
        CancellationToken cancellation)
    {
        var floating = _floating.GetValue(gate, _ => new FloatingBufferPool(registry.Settings.FloatingBuffersPerGate));
        return new RemoteInputChannel(connections.To(producer), partition, subpartition, gate, channel, registry.Settings, floating, token, python)
            .RunAsync(cancellation);
    }

    public override void Release(string attemptId) => registry.ReleaseAll(attemptId + "/", $"attempt {attemptId} ended on the producer's worker");
}
