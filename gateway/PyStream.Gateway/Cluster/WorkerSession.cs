using System.Threading.Channels;
using PyStream.Cluster.Protocol;

namespace PyStream.Gateway.Cluster;

/// <summary>A registered worker's open deployment stream: what the coordinator sends it, in order.</summary>
internal sealed class WorkerSession(RegisteredWorker worker)
{
    private readonly Channel<DeploymentCommand> _commands = Channel.CreateUnbounded<DeploymentCommand>(new UnboundedChannelOptions { SingleReader = true });

    public RegisteredWorker Worker { get; } = worker;

    public ChannelReader<DeploymentCommand> Commands => _commands.Reader;

    /// <summary>False once the stream closed: the command goes nowhere.</summary>
    public bool Send(DeploymentCommand command) => _commands.Writer.TryWrite(command);

    public void Close() => _commands.Writer.TryComplete();
}
